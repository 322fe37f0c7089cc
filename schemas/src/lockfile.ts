import { z } from 'zod';
import { capabilitiesSchema } from './capabilities.ts';
import { bundleNameSchema, skillNameSchema } from './names.ts';
import { agentNameSchema } from './project-manifest.ts';
import { integritySchema, rangeSchema, semverSchema } from './semver-text.ts';

export const LOCKFILE_VERSION = 1;

/** Where a locked bundle came from: an http(s) URL, `file:PATH` or `git+URL#<40-hex commit>`. */
export const RESOLVED_PATTERN =
  /^(?:https?:\/\/|file:[^\x00-\x1f\x7f]+$|git\+(?:https|file):\/\/[^#\s]+#[0-9a-f]{40}$)/;

/** One resolved bundle in `skills-lock.json`. */
export const lockedBundleSchema = z.lazy(() =>
  z.strictObject({
    version: semverSchema,
    /**
     * Where it came from: the registry's tarball URL (`https://…`); `file:PATH` for a bundle
     * folder or packed `.tgz` (PATH relative to the project, forward slashes); or
     * `git+https://…#SHA` / `git+file:///…#SHA` with the full 40-hex commit it was packed from.
     */
    resolved: z
      .string()
      .max(4096, 'is too long')
      .regex(RESOLVED_PATTERN, 'must be an http(s) URL, file:PATH or git+URL#<40-hex commit>'),
    integrity: integritySchema,
    /** The registry's signature over `NAME@VER:INTEGRITY`, when the registry signs. */
    signature: z.strictObject({ keyid: z.string(), sig: z.string() }).optional(),
    /** Exact versions of its dependencies, by bundle name. */
    dependencies: z.record(bundleNameSchema, semverSchema).default({}),
    /** The skills it installed into `.agents/skills/`. */
    skills: z.array(skillNameSchema),
    /** The agent folders its skills were linked into. */
    agents: z.array(agentNameSchema).default([]),
    /**
     * What the bundle manifest of the installed archive declares (the capabilities install
     * showed), absent when it declares none. The runtime grants a script exactly these (its
     * environment variables, `write` paths, `network`), never what a file inside the bundle says.
     */
    capabilities: capabilitiesSchema.optional(),
  }),
);

/** `skills-lock.json`: enough to reproduce the exact tree and to prove it untampered. */
export const lockfileSchema = z.lazy(() =>
  z.strictObject({
    lockfileVersion: z.literal(LOCKFILE_VERSION, { error: `must be ${LOCKFILE_VERSION}` }),
    /** The ranges of skills.json this lockfile was resolved for; a difference means it is out of date. */
    dependencies: z.record(bundleNameSchema, rangeSchema).default({}),
    agents: z.array(agentNameSchema).default([]),
    bundles: z.record(bundleNameSchema, lockedBundleSchema).default({}),
  }),
);

export type LockedBundle = z.infer<typeof lockedBundleSchema>;
export type Lockfile = z.infer<typeof lockfileSchema>;

import { z } from 'zod';
import { bundleNameSchema } from './names.ts';
import { rangeSchema } from './semver-text.ts';

/** An agent's name, as `--agent` and skills.json give it. */
export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** The agents the CLI knows how to make skills visible to (see the CLI's agent table). */
export const agentNameSchema = z.lazy(() =>
  z.string().regex(AGENT_NAME_PATTERN, 'must be an agent name such as claude or codex'),
);

/** `skills.json`, the project manifest. */
export const projectManifestSchema = z.lazy(() =>
  z.looseObject({
    $schema: z.string().optional(),
    dependencies: z.record(bundleNameSchema, rangeSchema).default({}),
    agents: z.array(agentNameSchema).optional(),
    registry: z
      .string()
      .regex(/^https?:\/\//, 'must be an http(s) URL')
      .optional(),
    /** Per-scope registries: `{ "@acme": "https://skills.acme.dev" }`; a scope listed here never falls back. */
    scopes: z
      .record(z.string().regex(/^@[a-z0-9]+(-[a-z0-9]+)*$/), z.string().regex(/^https?:\/\//))
      .optional(),
  }),
);

export type ProjectManifest = z.infer<typeof projectManifestSchema>;

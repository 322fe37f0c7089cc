import { z } from 'zod';

/** Semantic Versioning 2.0.0, the regular expression from semver.org. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const semverString = () =>
  z.string().max(256, 'is too long').regex(SEMVER_PATTERN, 'must be a semantic version such as 1.2.0');

export const semverSchema = z.lazy(semverString);

/**
 * The version a bundle is published as: semver without build metadata. `1.0.0+a` and `1.0.0+b`
 * are the same version to every semver comparison, so allowing both would let one version be
 * published twice with different bytes (docs/security.md row 22).
 */
export const publishableVersionSchema = z.lazy(() =>
  semverString().regex(
    /^[^+]*$/,
    'must not carry build metadata ("+…"): versions that differ only after "+" are the same version; bump the version instead',
  ),
);

/** What a dependency specifier may hold: printable ASCII and spaces. */
export const RANGE_PATTERN = /^[\x21-\x7e ]+$/;

/**
 * A dependency specifier: a semver range or a dist-tag, or in skills.json a source other than the
 * registry (`file:PATH`, `git+https://…#REF`, `git+file:///…#REF`). Checked loosely here; the CLI
 * checks it for real.
 */
export const rangeSchema = z.lazy(() =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(256, 'is too long')
    .regex(RANGE_PATTERN, 'must be a semver range, a dist-tag or a file:/git+ source'),
);

export const distTagSchema = z.lazy(() =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z][a-z0-9._-]*$/, 'must start with a letter and hold only a-z, 0-9, ".", "_" and "-"')
    .refine((t) => !SEMVER_PATTERN.test(t), { message: 'must not be a version' }),
);

/** `sha512-<base64>` Subresource Integrity. */
export const INTEGRITY_PATTERN = /^sha512-[A-Za-z0-9+/]{86}==$/;

export const integritySchema = z.lazy(() =>
  z.string().regex(INTEGRITY_PATTERN, 'must be a sha512 Subresource Integrity string (sha512-…)'),
);

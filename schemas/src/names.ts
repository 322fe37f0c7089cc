import { z } from 'zod';

/** The Agent Skills name rule: lowercase letters and digits in hyphen-separated runs. */
export const SKILL_NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SKILL_NAME_MAX = 64;

/** A bundle name: `name` or `@scope/name`, each part following the skill name rule. */
export const BUNDLE_NAME_PATTERN = /^(?:@([a-z0-9]+(?:-[a-z0-9]+)*)\/)?([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export const skillNameSchema = z.lazy(() =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(SKILL_NAME_MAX, `must be at most ${SKILL_NAME_MAX} characters`)
    .regex(
      SKILL_NAME_PATTERN,
      'must be lowercase letters and digits separated by single hyphens (no leading, trailing or double hyphen)',
    ),
);

export const bundleNameSchema = z.lazy(() =>
  z
    .string()
    .max(SKILL_NAME_MAX * 2 + 2, 'is too long')
    .regex(
      BUNDLE_NAME_PATTERN,
      'must be "name" or "@scope/name", each lowercase letters and digits separated by hyphens',
    )
    .refine((n) => (parseBundleName(n)?.name.length ?? 0) <= SKILL_NAME_MAX, {
      message: `the name part must be at most ${SKILL_NAME_MAX} characters`,
    }),
);

/**
 * Whether `v` is a bundle name: `bundleNameSchema.safeParse(v).success`, without building the
 * schema (a command that checks a name and nothing else need not pay for zod).
 * @example isBundleName('@acme/deploy') // true
 */
export function isBundleName(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > SKILL_NAME_MAX * 2 + 2) return false;
  const m = BUNDLE_NAME_PATTERN.exec(v);
  return m !== null && m[2]!.length <= SKILL_NAME_MAX;
}

export interface BundleNameParts {
  scope: string | undefined;
  name: string;
}

/**
 * Splits `@scope/name` into its parts; returns undefined for an invalid name.
 * @example parseBundleName('@acme/deploy') // { scope: 'acme', name: 'deploy' }
 */
export function parseBundleName(full: string): BundleNameParts | undefined {
  const m = BUNDLE_NAME_PATTERN.exec(full);
  if (!m) return undefined;
  return { scope: m[1], name: m[2]! };
}

/**
 * The form two names are compared in for confusability (docs/security.md row 10):
 * NFKC, lower case, and `-`, `_`, `.` removed.
 * @example foldName('Deploy_Vercel') === foldName('deploy-vercel') // true
 */
export function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[-_.]/g, '');
}

import { foldName } from '@skills/schemas';

/**
 * Names that would pass for the registry, its operators or the makers of the agents it serves.
 * Sign-up cannot take them, nor a name that starts or ends with one as a hyphen-separated word
 * (`admin-team`, `official-skills`), nor a look-alike of either; only an admin may claim such a
 * scope. The admin command can still create such users.
 */
export const RESERVED_NAMES: readonly string[] = [
  'abuse',
  'admin',
  'administrator',
  'anthropic',
  'claude',
  'codex',
  'github',
  'moderator',
  'noreply',
  'npm',
  'official',
  'openai',
  'postmaster',
  'registry',
  'root',
  'security',
  'skills',
  'staff',
  'support',
  'system',
  'verified',
  'webmaster',
];

/** Character runs that read alike, replaced in order; the result is compared, never shown. */
const CONFUSABLES: readonly [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/0/g, 'o'],
  [/[1i]/g, 'l'],
];

/**
 * The form in which two scopes, or two usernames, are compared for look-alikes: `foldName`
 * (NFKC, lower case, `-_.` removed), then `rn`→`m`, `vv`→`w`, `0`→`o`, and `1`, `i`, `l` as one.
 * @example nameSkeleton('a-lice') === nameSkeleton('aiice') // both 'allce'
 */
export function nameSkeleton(name: string): string {
  let out = foldName(name);
  for (const [from, to] of CONFUSABLES) out = out.replace(from, to);
  return out;
}

const RESERVED_SKELETONS = new Set(RESERVED_NAMES.map(nameSkeleton));

/**
 * Whether `name` is reserved: it is, or looks like, a reserved name, or its first or last
 * hyphen-separated word does (`admin-team`, `team-admin`, `0fficial-skills`).
 */
export function isReservedName(name: string): boolean {
  const words = name.split('-').filter((w) => w !== '');
  const edges = [name, words[0] ?? '', words[words.length - 1] ?? ''];
  return edges.some((w) => RESERVED_SKELETONS.has(nameSkeleton(w)));
}

/** The first of `existing` (other than `name` itself) that looks like `name`, if any. */
export function findLookAlike(name: string, existing: Iterable<string>): string | undefined {
  const mine = nameSkeleton(name);
  for (const other of existing) {
    if (other !== name && nameSkeleton(other) === mine) return other;
  }
  return undefined;
}

/** Why a first claim of a scope is refused (a `PublishRefusal` of the store). */
export type ScopeClaimRefusal =
  | { refused: 'SCOPE_RESERVED'; scope: string }
  | { refused: 'SCOPE_CONFUSABLE'; scope: string; existing: string };

/**
 * Why `scope`, claimed for the first time, cannot be: it is reserved, or it looks like one of the
 * scopes already claimed (`@a-cme` next to `@acme`). Admins are not asked.
 */
export function scopeClaimRefusal(scope: string, claimed: Iterable<string>): ScopeClaimRefusal | undefined {
  if (isReservedName(scope)) return { refused: 'SCOPE_RESERVED', scope };
  const existing = findLookAlike(scope, claimed);
  return existing === undefined ? undefined : { refused: 'SCOPE_CONFUSABLE', scope, existing };
}

import { distTagSchema, isBundleName } from '@skills/schemas';
import semver from 'semver';
import { SkillsError } from '../errors.ts';

/** What follows the `@` of a spec. */
export type SpecKind = 'version' | 'range' | 'tag';

/** A parsed `name[@range|@version|@tag]`. */
export interface BundleSpec {
  name: string;
  /** The range, exact version or dist-tag; `latest` when the spec named none. */
  range: string;
  kind: SpecKind;
  /** False when the spec was a bare name (so `range` is the implied `latest`). */
  hasRange: boolean;
}

/**
 * Parses a bundle spec as users type it: `name`, `name@^1.2.0`, `name@1.2.0`, `@scope/name@beta`.
 * Throws a USAGE SkillsError for an invalid name or something that is neither a semver range
 * nor a dist-tag.
 * @example parseSpec('@acme/deploy@^1.2') // { name: '@acme/deploy', range: '^1.2', kind: 'range', hasRange: true }
 */
export function parseSpec(spec: string): BundleSpec {
  const at = spec.indexOf('@', 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  const rest = at === -1 ? undefined : spec.slice(at + 1).trim();
  if (!isBundleName(name)) {
    throw new SkillsError('USAGE', `"${printableSpec(name)}" is not a valid bundle name`, {
      hint: 'bundle names are "name" or "@scope/name": lowercase letters and digits separated by hyphens',
      exitCode: 2,
    });
  }
  if (rest === undefined) return { name, range: 'latest', kind: 'tag', hasRange: false };
  if (rest === '') {
    throw new SkillsError('USAGE', `"${printableSpec(spec)}" has nothing after "@"`, {
      hint: 'write name, name@1.2.0, name@^1.2.0 or name@tag',
      exitCode: 2,
    });
  }
  return { name, range: rest, kind: specKind(rest, spec), hasRange: true };
}

/**
 * Parses `name@version` where an exact version is required (yank, dist-tag add).
 * Throws USAGE when the version is missing or is a range or tag.
 * @example parseExactSpec('deploy@1.2.0') // { name: 'deploy', version: '1.2.0' }
 */
export function parseExactSpec(spec: string): { name: string; version: string } {
  const parsed = parseSpec(spec);
  if (parsed.kind !== 'version') {
    throw new SkillsError('USAGE', `"${printableSpec(spec)}" must name an exact version`, {
      hint: `write ${parsed.name}@1.2.0`,
      exitCode: 2,
    });
  }
  return { name: parsed.name, version: semver.clean(parsed.range) ?? parsed.range };
}

/** `name@range`, or just `name` for the implied latest. */
export function formatSpec(spec: Pick<BundleSpec, 'name' | 'range'>): string {
  return spec.range === 'latest' ? spec.name : `${spec.name}@${spec.range}`;
}

function specKind(rest: string, spec: string): SpecKind {
  if (semver.valid(rest)) return 'version';
  if (distTagSchema.safeParse(rest).success) return 'tag';
  if (semver.validRange(rest)) return 'range';
  throw new SkillsError(
    'USAGE',
    `"${printableSpec(spec)}": "${printableSpec(rest)}" is not a version, range or tag`,
    {
      hint: 'write name@1.2.0, name@^1.2.0 or name@tag',
      exitCode: 2,
    },
  );
}

function printableSpec(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean;
}

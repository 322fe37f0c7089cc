import type { BundleDocument } from '@skills/schemas';
import semver from 'semver';
import { SkillsError } from '../errors.ts';

/** Who asked for a bundle: a picked version of another bundle, or skills.json (`from` null). */
export interface Requirement {
  name: string;
  range: string;
  from: { name: string; version: string } | null;
}

/** Why a resolution step failed, kept so the final error names the real cause. */
export type Conflict =
  | { kind: 'no-match'; name: string; requirements: Requirement[]; document: BundleDocument }
  | {
      kind: 'skill-clash';
      skill: string;
      a: { name: string; version: string };
      b: { name: string; version: string };
    };

/** Looks up the requirement that brought a picked bundle in, to print chains back to skills.json. */
export type ParentOf = (name: string) => Requirement | undefined;

/**
 * The versions of `doc` a requirement allows: a dist-tag gives its one version, a semver range
 * the versions that satisfy it (prereleases only when the range names one, as npm does).
 * Throws INVALID_RANGE for text that is neither.
 */
export function versionsAllowed(doc: BundleDocument, req: Requirement, parentOf: ParentOf): string[] {
  const tagged = Object.hasOwn(doc.distTags, req.range) ? doc.distTags[req.range] : undefined;
  if (tagged !== undefined) return Object.hasOwn(doc.versions, tagged) ? [tagged] : [];
  if (semver.validRange(req.range) === null) {
    if (/^[a-z][a-z0-9._-]*$/.test(req.range)) return [];
    throw new SkillsError(
      'INVALID_RANGE',
      `${chainTo(req, parentOf)}: "${printable(req.range)}" is not a semver range or dist-tag`,
      {
        hint: 'write a range such as ^1.2.0, an exact version, or a dist-tag such as latest',
      },
    );
  }
  return Object.keys(doc.versions).filter((v) => matchesRange(v, req.range));
}

/**
 * Whether version `v` satisfies `range`. An exact pin (`1.0.0`, `=1.0.0`, `v1.0.0`) matches that
 * version string only: semver ignores build metadata, but `1.0.0+other` is other bytes, so a pin
 * never resolves to it (docs/security.md row 22).
 */
export function matchesRange(v: string, range: string): boolean {
  const pin = semver.parse(range.trim().replace(/^=\s*/, ''));
  if (pin === null) return semver.satisfies(v, range);
  const got = semver.parse(v);
  return got !== null && got.version === pin.version && got.build.join('.') === pin.build.join('.');
}

/**
 * Sort order for candidates, best first: highest precedence, and among versions semver calls
 * equal (they differ only in build metadata, which registries no longer accept) the one
 * without build metadata first.
 */
export function newestFirst(a: string, b: string): number {
  return semver.rcompare(a, b) || semver.compareBuild(a, b);
}

/**
 * The chain from skills.json to a requirement, e.g. `app@1.0.0 → deploy-vercel@1.2.0 → vercel-basics@^2`
 * or `skills.json → vercel-basics@^1` for a direct dependency.
 */
export function chainTo(req: Requirement, parentOf: ParentOf): string {
  return [...ancestry(req.from, parentOf), `${req.name}@${printable(req.range)}`].join(' → ');
}

/** The chain to a picked bundle itself, e.g. `app@1.0.0 → deploy-vercel@1.2.0`. */
export function chainToPicked(picked: { name: string; version: string }, parentOf: ParentOf): string {
  const from = parentOf(picked.name)?.from ?? null;
  const above = from ? ancestry(from, parentOf) : [];
  return [...above, `${picked.name}@${picked.version}`].join(' → ');
}

/** `name@version` of each picked bundle from the top of the tree down to `from`. */
function ancestry(from: Requirement['from'], parentOf: ParentOf): string[] {
  if (!from) return ['skills.json'];
  const parts: string[] = [];
  const seen = new Set<string>();
  let at: Requirement['from'] = from;
  while (at && !seen.has(at.name)) {
    seen.add(at.name);
    parts.unshift(`${at.name}@${at.version}`);
    at = parentOf(at.name)?.from ?? null;
  }
  return parts;
}

/**
 * The error for the first conflict found: two requirements that no version satisfies together,
 * one that no version satisfies at all, or two bundles that install a skill of the same name.
 */
export function conflictError(
  conflict: Conflict,
  parentOf: ParentOf,
  locked: Record<string, string>,
): SkillsError {
  if (conflict.kind === 'skill-clash') {
    const { a, b, skill } = conflict;
    return new SkillsError(
      'SKILL_CONFLICT',
      `${chainToPicked(a, parentOf)} and ${chainToPicked(b, parentOf)} both install a skill named "${skill}"`,
      {
        hint: 'skills share one folder (.agents/skills); keep only one of these bundles, or pin versions that do not clash',
        details: { skill, bundles: [a, b] },
      },
    );
  }
  const { name, requirements, document } = conflict;
  const usable = (v: string) => !document.versions[v]?.yanked || locked[name] === v;
  const allowedBy = requirements.map((r) => new Set(versionsAllowed(document, r, parentOf).filter(usable)));
  const details = {
    bundle: name,
    requirements: requirements.map((r) => ({ range: r.range, chain: chainTo(r, parentOf) })),
  };
  for (let i = 0; i < requirements.length; i++) {
    if (allowedBy[i]!.size > 0) continue;
    return noMatchError(requirements[i]!, document, parentOf, details);
  }
  for (let i = 0; i < requirements.length; i++) {
    for (let j = i + 1; j < requirements.length; j++) {
      if (![...allowedBy[i]!].some((v) => allowedBy[j]!.has(v))) {
        return new SkillsError(
          'VERSION_CONFLICT',
          `${chainTo(requirements[i]!, parentOf)} conflicts with ${chainTo(requirements[j]!, parentOf)}`,
          {
            hint: 'one version of each bundle is installed per project: change one of these ranges',
            details,
          },
        );
      }
    }
  }
  return new SkillsError(
    'VERSION_CONFLICT',
    `no version of ${name} satisfies ${requirements.map((r) => chainTo(r, parentOf)).join(', ')}`,
    { hint: 'one version of each bundle is installed per project: change one of these ranges', details },
  );
}

function noMatchError(
  req: Requirement,
  doc: BundleDocument,
  parentOf: ParentOf,
  details: unknown,
): SkillsError {
  const chain = chainTo(req, parentOf);
  const isTag = !semver.validRange(req.range);
  if (isTag && !Object.hasOwn(doc.distTags, req.range)) {
    const tags = Object.keys(doc.distTags).sort().join(', ') || 'none';
    return new SkillsError(
      'NO_MATCHING_VERSION',
      `${chain}: ${req.name} has no dist-tag "${printable(req.range)}"`,
      {
        hint: `its dist-tags: ${tags}`,
        details,
      },
    );
  }
  const matching = isTag
    ? [doc.distTags[req.range]!]
    : Object.keys(doc.versions).filter((v) => matchesRange(v, req.range));
  if (matching.length > 0) {
    return new SkillsError(
      'NO_MATCHING_VERSION',
      `${chain}: every matching version of ${req.name} is yanked`,
      {
        hint: `yanked: ${matching.sort(semver.compare).join(', ')}; ask its owners, or choose another range`,
        details,
      },
    );
  }
  const recent = Object.keys(doc.versions).sort(semver.rcompare).slice(0, 5);
  return new SkillsError(
    'NO_MATCHING_VERSION',
    `${chain}: no version of ${req.name} matches "${printable(req.range)}"`,
    {
      hint: recent.length ? `latest versions: ${recent.join(', ')}` : `${req.name} has no versions`,
      details,
    },
  );
}

function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}

import type { BundleDocument, Lockfile } from '@skills/schemas';
import { matchesRange, newestFirst } from './explain.ts';

/** One row of `skills outdated`. */
export interface OutdatedRow {
  name: string;
  current: string;
  /** The highest non-yanked version every range on it allows; null when none does. */
  wanted: string | null;
  /** What the `latest` dist-tag points to. */
  latest: string | null;
  direct: boolean;
  /** The ranges on it: skills.json's, and those of the locked versions that depend on it. */
  ranges: string[];
}

/**
 * current / wanted / latest for each locked bundle. A bundle's ranges are its skills.json range
 * and the ranges its locked dependents declare (read from their version documents).
 * @example wantedVersions(lock, { a: '^1' }, (n) => docs.get(n))
 */
export function wantedVersions(
  lock: Lockfile,
  roots: Record<string, string>,
  docOf: (name: string) => BundleDocument | undefined,
): OutdatedRow[] {
  const ranges = new Map<string, string[]>();
  const add = (name: string, range: string) => ranges.set(name, [...(ranges.get(name) ?? []), range]);
  for (const [name, range] of Object.entries(roots)) add(name, range);
  for (const [name, b] of Object.entries(lock.bundles)) {
    const declared = docOf(name)?.versions[b.version]?.dependencies ?? {};
    for (const dep of Object.keys(b.dependencies)) if (declared[dep]) add(dep, declared[dep]);
  }
  return Object.entries(lock.bundles)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, b]) => {
      const doc = docOf(name);
      const on = ranges.get(name) ?? [];
      return {
        name,
        current: b.version,
        wanted: doc ? wanted(doc, on) : null,
        latest: doc?.distTags.latest ?? null,
        direct: name in roots,
        ranges: on,
      };
    });
}

function wanted(doc: BundleDocument, ranges: string[]): string | null {
  let candidates = Object.keys(doc.versions).filter((v) => !doc.versions[v]?.yanked);
  for (const r of ranges) {
    const tagged = Object.hasOwn(doc.distTags, r) ? doc.distTags[r] : undefined;
    candidates =
      tagged !== undefined
        ? candidates.filter((v) => v === tagged)
        : candidates.filter((v) => matchesRange(v, r));
  }
  return candidates.sort(newestFirst)[0] ?? null;
}

import { foldName, parseBundleName } from '@skills/schemas';

/** A popular bundle whose name is confusingly close to one being installed. */
export interface LookAlike {
  name: string;
  downloads: number;
}

/** Below this many downloads a bundle counts as little used. */
export const LITTLE_USED = 1000;

/**
 * The popular bundles among `candidates` whose names are within two edits of `name` once case,
 * `-`, `_` and `.` are folded away (docs/security.md row 10), when `name` itself is little used and
 * the other has at least ten times its downloads (and 100 at least).
 * @example lookAlikes({ name: 'deploy-vercl', downloads: 3 }, [{ name: 'deploy-vercel', downloads: 5000 }]) // [{ name: 'deploy-vercel', … }]
 */
export function lookAlikes(
  bundle: { name: string; downloads: number },
  candidates: readonly LookAlike[],
): LookAlike[] {
  if (bundle.downloads >= LITTLE_USED) return [];
  const mine = folded(bundle.name);
  return candidates.filter(
    (c) =>
      c.name !== bundle.name &&
      c.downloads >= Math.max(100, bundle.downloads * 10) &&
      editDistance(mine, folded(c.name), 2) <= 2,
  );
}

function folded(name: string): string {
  const parts = parseBundleName(name);
  return foldName(parts ? `${parts.scope ?? ''}${parts.name}` : name);
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps),
 * stopping early once it exceeds `max`.
 * @example editDistance('vercel', 'vercle', 2) // 1
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

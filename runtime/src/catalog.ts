import type { LoadedSkill } from './types.ts';

/** Codex's budget when the context window is unknown: 2% of it, or 8,000 characters. */
export const DEFAULT_CATALOG_BUDGET = 8000;

/** A description is never trimmed below this many characters; skills are dropped instead. */
const MIN_DESCRIPTION = 40;

/** The skills the model is told about up front. */
export interface Catalog {
  /** One line per skill, `- name: description`, within the budget. */
  text: string;
  /** Names listed, in order. */
  listed: string[];
  /** Names whose description was shortened. */
  trimmed: string[];
  /** Names left out because even short descriptions did not fit; warn about these. */
  dropped: string[];
}

/**
 * Lists skills one line each (`- name: description`, whitespace folded) within `budget`
 * characters, like Codex: descriptions are trimmed first (all to the same length, never below
 * 40 characters), and only then are skills dropped from the end of the list. The skills named
 * in `keep` (a pipeline step's own) keep their full description and are never dropped: the
 * others share what budget is left. Never throws.
 * @example buildCatalog([{ name: 'pdf', description: 'Fill PDF forms.', … }]).text // '- pdf: Fill PDF forms.'
 */
export function buildCatalog(
  skills: readonly Pick<LoadedSkill, 'name' | 'description'>[],
  budget = DEFAULT_CATALOG_BUDGET,
  keep: readonly string[] = [],
): Catalog {
  const all = skills.map((s) => ({
    name: s.name,
    description: s.description.replace(/\s+/g, ' ').trim(),
  }));
  const kept = all.filter((e) => keep.includes(e.name));
  const keptSize = kept.reduce(
    (n, e) => n + line(e.name, e.description, Number.POSITIVE_INFINITY).length + 1,
    0,
  );
  const rest = fit(
    all.filter((e) => !keep.includes(e.name)),
    Math.max(0, budget - keptSize),
  );
  const order = (names: Set<string>) => all.filter((e) => names.has(e.name));
  const listed = order(new Set([...kept.map((e) => e.name), ...rest.listed]));
  return {
    text: listed
      .map((e) => line(e.name, e.description, keep.includes(e.name) ? Number.POSITIVE_INFINITY : rest.max))
      .join('\n'),
    listed: listed.map((e) => e.name),
    trimmed: rest.trimmed,
    dropped: rest.dropped,
  };
}

/** Trims, then drops from the end, until the entries fit `budget`; `max` is the description length kept. */
function fit(
  entries: { name: string; description: string }[],
  budget: number,
): { listed: string[]; trimmed: string[]; dropped: string[]; max: number } {
  const size = (list: typeof entries, max: number) =>
    list.reduce((n, e) => n + line(e.name, e.description, max).length + 1, 0) - (list.length ? 1 : 0);
  const longest = Math.max(0, ...entries.map((e) => e.description.length));
  let kept = entries;
  const dropped: string[] = [];
  while (kept.length > 0 && size(kept, MIN_DESCRIPTION) > budget) {
    dropped.unshift(kept[kept.length - 1]!.name);
    kept = kept.slice(0, -1);
  }
  let max = longest;
  if (size(kept, max) > budget) {
    let lo = MIN_DESCRIPTION;
    let hi = longest;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (size(kept, mid) <= budget) lo = mid;
      else hi = mid - 1;
    }
    max = lo;
  }
  return {
    listed: kept.map((e) => e.name),
    trimmed: kept.filter((e) => e.description.length > max).map((e) => e.name),
    dropped,
    max,
  };
}

function line(name: string, description: string, max: number): string {
  const text =
    description.length > max ? `${description.slice(0, Math.max(0, max - 1)).trimEnd()}…` : description;
  return `- ${name}: ${text}`;
}

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
 * 40 characters), and only then are skills dropped from the end of the list. Never throws.
 * @example buildCatalog([{ name: 'pdf', description: 'Fill PDF forms.', … }]).text // '- pdf: Fill PDF forms.'
 */
export function buildCatalog(
  skills: readonly Pick<LoadedSkill, 'name' | 'description'>[],
  budget = DEFAULT_CATALOG_BUDGET,
): Catalog {
  const entries = skills.map((s) => ({
    name: s.name,
    description: s.description.replace(/\s+/g, ' ').trim(),
  }));
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
    text: kept.map((e) => line(e.name, e.description, max)).join('\n'),
    listed: kept.map((e) => e.name),
    trimmed: kept.filter((e) => e.description.length > max).map((e) => e.name),
    dropped,
  };
}

function line(name: string, description: string, max: number): string {
  const text =
    description.length > max ? `${description.slice(0, Math.max(0, max - 1)).trimEnd()}…` : description;
  return `- ${name}: ${text}`;
}

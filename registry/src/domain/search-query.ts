/** Most terms of a query that reach the index. */
const MAX_TERMS = 16;

/**
 * What a store searches for, independent of its SQL dialect: words (runs of letters and digits,
 * lower case), the last one matched as a prefix; `every` term must match, or any one.
 */
export interface SearchMatch {
  terms: string[];
  every: boolean;
}

/**
 * Splits user text into search terms: only runs of letters and digits survive, so no syntax of
 * any full-text engine (`AND`, `NEAR`, `*`, `"`, `:`, `^`, `&`, `|`, `!`) ever reaches one as
 * syntax. `all` needs every term; `any` (the fallback when `all` finds nothing) needs one.
 * Undefined when the text holds no term.
 * @example toMatchExpressions('deploy verc')?.all // { terms: ['deploy', 'verc'], every: true }
 */
export function toMatchExpressions(
  text: string,
): { all: SearchMatch; any: SearchMatch; terms: number } | undefined {
  const terms = (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
    .slice(0, MAX_TERMS)
    .map((t) => t.slice(0, 64));
  if (terms.length === 0) return undefined;
  return { all: { terms, every: true }, any: { terms, every: false }, terms: terms.length };
}

/** Most terms of a query that reach the index. */
const MAX_TERMS = 16;

/**
 * Turns user text into safe FTS5 MATCH expressions: only runs of letters and digits survive,
 * each is quoted (so `AND`, `NEAR`, `*`, `"`, `:` and `^` are plain text), the last is a prefix.
 * `all` needs every term; `any` (for a fallback when `all` finds nothing) needs one.
 * Undefined when the text holds no term.
 * @example toMatchExpressions('deploy verc') // { all: '"deploy" "verc"*', any: '"deploy" OR "verc"*' }
 */
export function toMatchExpressions(text: string): { all: string; any: string; terms: number } | undefined {
  const terms = (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
    .slice(0, MAX_TERMS)
    .map((t) => t.slice(0, 64));
  if (terms.length === 0) return undefined;
  const quoted = terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`));
  return { all: quoted.join(' '), any: quoted.join(' OR '), terms: terms.length };
}

/**
 * The frontmatter almost every SKILL.md has: lines of `key: text`, nothing else. For that shape
 * the answer is exactly what a YAML 1.2 parser gives (each value a string), without starting
 * one: in a fresh process the `yaml` package takes ~1 ms per document until the JIT warms up,
 * most of the CPU of reading a small bundle. Anything this does not recognise with certainty
 * returns undefined and goes to the real parser; `test/simple-frontmatter.test.ts` holds both
 * to the same answers.
 */

/** A key: a letter, then letters, digits, `_` and `-`. */
const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
/**
 * A value read as a string in YAML 1.2's core schema, in block context: it starts with a letter
 * (so it is no number, `~`, `.inf`, quote, flow collection, anchor, tag, block scalar, directive
 * or sequence), has no tab or character YAML refuses or treats as a line break (C0 and C1
 * controls, DEL, U+2028, U+2029, a byte order mark, lone surrogates), and does not end with `:`.
 */
const VALUE = /^[A-Za-z][\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
/** Words YAML 1.2's core schema reads as booleans or null, not strings. */
const NOT_STRINGS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);

/**
 * The mapping, when `text` is only `key: value` lines (and blank lines) that YAML reads as
 * distinct string keys and string values; undefined for anything else.
 * @example simpleFrontmatter('name: deploy\ndescription: Deploys.\n') // { name: 'deploy', description: 'Deploys.' }
 * @example simpleFrontmatter('tags: [a, b]\n') // undefined (the YAML parser decides)
 */
export function simpleFrontmatter(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const colon = line.indexOf(': ');
    if (colon <= 0) return undefined;
    const key = line.slice(0, colon);
    const value = line
      .slice(colon + 2)
      .replace(/ +$/, '')
      .replace(/^ +/, '');
    if (!KEY.test(key) || NOT_STRINGS.has(key) || seen.has(key)) return undefined;
    if (!VALUE.test(value) || NOT_STRINGS.has(value)) return undefined;
    // A second `: ` (a nested mapping), ` #` (a comment) or a final `:` make it YAML's call.
    if (value.includes(': ') || value.includes(' #') || value.endsWith(':')) return undefined;
    seen.add(key);
    out[key] = value;
  }
  return seen.size > 0 ? out : undefined;
}

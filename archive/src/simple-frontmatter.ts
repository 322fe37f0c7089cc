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
/** The inside of a quoted value on one line, with no escape: YAML takes it as it is. */
const QUOTED_TEXT = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
/** `"text"` without `\` or `"` inside, or `'text'` without `'` inside. */
const QUOTED = /^"([^"\\]*)"$|^'([^']*)'$/;
/** Words YAML 1.2's core schema reads as booleans or null, not strings. */
const NOT_STRINGS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);

/** A value of the frontmatter this reads: text, or one level of `key: text` under a `key:` line. */
export type SimpleValue = string | Record<string, string>;

/**
 * The mapping, when `text` is only `key: value` lines, blank lines, and `key:` lines followed by
 * lines of `key: value` indented by the same number of spaces (one level, as the `metadata` of
 * the Agent Skills format), that YAML reads as distinct string keys and string values; undefined
 * for anything else.
 * @example simpleFrontmatter('name: deploy\ndescription: Deploys.\n') // { name: 'deploy', description: 'Deploys.' }
 * @example simpleFrontmatter('metadata:\n  author: acme\n') // { metadata: { author: 'acme' } }
 * @example simpleFrontmatter('tags: [a, b]\n') // undefined (the YAML parser decides)
 */
export function simpleFrontmatter(text: string): Record<string, SimpleValue> | undefined {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const out: Record<string, SimpleValue> = {};
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    if (line.endsWith(':')) {
      // `key:` then its block: every line indented by the first one's spaces, nothing deeper.
      const key = line.slice(0, -1);
      if (!isKey(key) || seen.has(key)) return undefined;
      const indent = /^ +/.exec(lines[i + 1] ?? '')?.[0] ?? '';
      const nested: Record<string, string> = {};
      const nestedSeen = new Set<string>();
      while (indent !== '' && lines[i + 1]?.startsWith(indent)) {
        const entry = keyValue((lines[++i] as string).slice(indent.length));
        if (!entry || nestedSeen.has(entry[0])) return undefined;
        nestedSeen.add(entry[0]);
        nested[entry[0]] = entry[1];
      }
      if (nestedSeen.size === 0) return undefined; // `key:` alone is null
      seen.add(key);
      out[key] = nested;
      continue;
    }
    const entry = keyValue(line);
    if (!entry || seen.has(entry[0])) return undefined;
    seen.add(entry[0]);
    out[entry[0]] = entry[1];
  }
  return seen.size > 0 ? out : undefined;
}

function isKey(key: string): boolean {
  return KEY.test(key) && !NOT_STRINGS.has(key);
}

/**
 * `[key, value]` for a line YAML reads as one string key and one string value (plain, or quoted
 * with nothing to unescape); else undefined.
 */
function keyValue(line: string): [string, string] | undefined {
  const colon = line.indexOf(': ');
  if (colon <= 0) return undefined;
  const key = line.slice(0, colon);
  const value = line
    .slice(colon + 2)
    .replace(/ +$/, '')
    .replace(/^ +/, '');
  if (!isKey(key)) return undefined;
  const quoted = QUOTED.exec(value);
  if (quoted) {
    const inside = quoted[1] ?? quoted[2] ?? '';
    return QUOTED_TEXT.test(inside) ? [key, inside] : undefined;
  }
  if (!VALUE.test(value) || NOT_STRINGS.has(value)) return undefined;
  // A second `: ` (a nested mapping), ` #` (a comment) or a final `:` make it YAML's call.
  if (value.includes(': ') || value.includes(' #') || value.endsWith(':')) return undefined;
  return [key, value];
}

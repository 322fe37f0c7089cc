/**
 * JSON with the keys of every object sorted (by UTF-16 code units, integer-like keys included,
 * which JSON.stringify would otherwise put first), 2-space indented, newline-terminated: the
 * same value always gives the same bytes. Arrays keep their order (callers sort them where order
 * carries no meaning). `first` lists top-level keys that come before the sorted rest.
 * @example stringifySorted({ b: 1, a: { d: 1, c: 2 } }) // '{\n  "a": {\n    "c": 2,\n    "d": 1\n  },\n  "b": 1\n}\n'
 */
export function stringifySorted(value: unknown, first: readonly string[] = []): string {
  return `${serialize(value, '', first)}\n`;
}

function serialize(value: unknown, indent: string, first: readonly string[] = []): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + serialize(v, inner)).join(',\n')}\n${indent}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => rank(a, first) - rank(b, first) || (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}';
  const body = keys.map((k) => `${inner}${JSON.stringify(k)}: ${serialize(obj[k], inner)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}

function rank(key: string, first: readonly string[]): number {
  const i = first.indexOf(key);
  return i === -1 ? first.length : i;
}

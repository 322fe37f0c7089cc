import { sanitizeRemoteText } from '../registry/http.ts';

/**
 * Lays out rows as left-aligned columns separated by two spaces; remote text is sanitised.
 * @example table([['NAME', 'VERSION'], ['deploy', '1.0.0']]) // 'NAME    VERSION\ndeploy  1.0.0'
 */
export function table(rows: readonly (readonly string[])[]): string {
  const clean = rows.map((r) => r.map((c) => sanitizeRemoteText(c, 200)));
  const widths: number[] = [];
  for (const row of clean) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return clean
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `1.5 kB`, `12 B`, `3.2 MB`: sizes for people. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** `1 file`, `2 files`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

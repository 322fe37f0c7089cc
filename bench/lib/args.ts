import { parseArgs } from 'node:util';

/** The number flag `name`, or `fallback`; exits with a message when it is not a positive number. */
export function numberFlag(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
  return n;
}

/** Parses the flags every benchmark script takes, plus its own string flags. */
export function parseBenchArgs(names: readonly string[], booleans: readonly string[] = []) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const n of names) options[n] = { type: 'string' };
  for (const n of booleans) options[n] = { type: 'boolean' };
  const { values } = parseArgs({ options, strict: true, allowPositionals: false });
  return values as Record<string, string | boolean | undefined>;
}

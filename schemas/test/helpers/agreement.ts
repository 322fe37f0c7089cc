import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';

// Generated agreement between a hand-written check and the zod schema it stands for: the check
// must never accept what zod refuses, must give zod's exact output when it accepts (defaults, key
// order, fresh objects), and must accept every JSON value zod accepts except the forms it leaves
// to zod on purpose (a `__proto__` key).

export const INTEGRITY = `sha512-${'A'.repeat(86)}==`;

/** Values a field may be set to: valid for some fields, each beside a limit of another. */
export const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  '',
  ' ',
  'x',
  'A',
  '200',
  'deploy',
  '@acme/deploy',
  `${'a'.repeat(64)}`,
  `${'a'.repeat(65)}`,
  `@${'s'.repeat(63)}/${'n'.repeat(64)}`,
  `@${'s'.repeat(64)}/${'n'.repeat(64)}`,
  `@${'s'.repeat(65)}/${'n'.repeat(64)}`,
  `@a/${'n'.repeat(65)}`,
  'a--b',
  '-a',
  'A-b',
  '@/a',
  '1.0.0',
  '01.0.0',
  '1.0',
  '1.0.0-rc.1+b.2',
  `1.0.0-${'a'.repeat(250)}`,
  `1.0.0-${'a'.repeat(251)}`,
  '^1.0.0',
  'latest',
  '1.0.0\t',
  'ü',
  'x'.repeat(256),
  'x'.repeat(257),
  INTEGRITY,
  `sha512-${'A'.repeat(85)}==`,
  `sha256-${'A'.repeat(86)}==`,
  'design',
  'Design',
  'other',
  'BIDI_CONTROL',
  'bidi_control',
  [],
  [''],
  ['x'],
  ['x', 1],
  Array.from({ length: 256 }, () => 'h'),
  Array.from({ length: 257 }, () => 'h'),
  {},
  { keyid: 'k', sig: 's' },
  { '1.0.0': '1.0.0' },
  { a: '^1' },
  { toString: 'x' },
  2,
  'claude',
  'Claude',
  '1a',
  'https://example.com/t.tgz',
  'file:../b',
  'file:a\nb',
  `git+https://h/r#${'a'.repeat(40)}`,
  `git+https://h/r#${'a'.repeat(39)}`,
  `git+file:///r#${'0'.repeat(40)}`,
  `https://${'x'.repeat(4088)}`,
  `https://${'x'.repeat(4089)}`,
];

type Json = Record<string, unknown> | unknown[];

/** Every object and array in `doc`, with the keys it holds. */
export function containers(doc: unknown): Json[] {
  if (typeof doc !== 'object' || doc === null) return [];
  return [doc as Json, ...Object.values(doc).flatMap(containers)];
}

/** Keys added to an object: unknown anywhere, or known in another object. */
export const EXTRA_KEYS = [
  'extra',
  'error',
  'status',
  'document',
  'etag',
  'version',
  'keyid',
  'constructor',
  'skills',
  'resolved',
];

/** One way to break a document: at the `at`-th container, on its `key`-th key. */
export interface Breakage {
  at: number;
  key: number;
  how: 'set' | 'delete' | 'add' | 'proto';
  value: number;
}
export const breakage: fc.Arbitrary<Breakage> = fc.record({
  at: fc.nat(),
  key: fc.nat(),
  how: fc.constantFrom('set', 'delete', 'add', 'proto'),
  value: fc.nat({ max: ODD_VALUES.length - 1 }),
});

export function breakDoc(doc: unknown, { at, key, how, value }: Breakage): void {
  const all = containers(doc);
  const target = all[at % all.length]!;
  const keys = Object.keys(target);
  const odd = structuredClone(ODD_VALUES[value]);
  if (how === 'add') {
    if (Array.isArray(target)) target.push(odd);
    else target[EXTRA_KEYS[key % EXTRA_KEYS.length]!] = odd;
  } else if (how === 'proto') {
    // an own `__proto__` key, as JSON.parse makes
    Object.defineProperty(target, '__proto__', {
      value: odd,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (keys.length > 0) {
    const k = keys[key % keys.length]!;
    if (how === 'delete') delete (target as Record<string, unknown>)[k];
    else (target as Record<string, unknown>)[k] = odd;
  }
}

/** The check against zod on one input: sound always, complete on JSON without `__proto__`. */
export function agree(input: unknown, checked: unknown, schema: z.ZodType): void {
  const ref = schema.safeParse(input);
  if (checked !== undefined) {
    expect(ref.success, 'the check accepted what zod refuses').toBe(true);
    expect(checked).toStrictEqual(ref.data);
    expect(JSON.stringify(checked)).toBe(JSON.stringify(ref.data)); // key order too
  } else if (!JSON.stringify(input).includes('"__proto__"')) {
    expect(ref.success, `zod accepted what the check refuses: ${JSON.stringify(input)}`).toBe(false);
  }
}

/**
 * Every breakage of `doc` at every place: each key set to each odd value or deleted, each
 * object given each extra key, each array a further item.
 */
export function sweep(doc: unknown, check: (v: unknown) => unknown, schema: z.ZodType): void {
  const all = containers(doc);
  for (let at = 0; at < all.length; at++) {
    const c = all[at]!;
    const keys = Array.isArray(c) ? Math.min(c.length, 1) : Object.keys(c).length;
    const tries: Breakage[] = [{ at, key: 0, how: 'proto', value: 0 }];
    for (let key = 0; key < keys; key++) {
      tries.push({ at, key, how: 'delete', value: 0 });
      for (let value = 0; value < ODD_VALUES.length; value++) tries.push({ at, key, how: 'set', value });
    }
    for (let key = 0; key < EXTRA_KEYS.length; key++) tries.push({ at, key, how: 'add', value: key });
    for (const b of tries) {
      const copy = structuredClone(doc);
      breakDoc(copy, b);
      const input = viaJson(copy);
      agree(input, check(input), schema);
    }
  }
}

/** As read from a file or an answer: through JSON text. */
export const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

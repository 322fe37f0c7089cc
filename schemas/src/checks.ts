import type { z } from 'zod';
import { CATEGORIES } from './bundle-manifest.ts';
import { isBundleName, SKILL_NAME_MAX, SKILL_NAME_PATTERN } from './names.ts';
import { INTEGRITY_PATTERN, RANGE_PATTERN, SEMVER_PATTERN } from './semver-text.ts';
import { CONTENT_WARNING_CODES } from './warnings.ts';

// The parts of the hand-written checks (bundle-document-check.ts, lockfile-check.ts): each takes
// a value and returns what zod's schema would output for it, or throws NotChecked for a value it
// does not vouch for (invalid, or a form left to zod). Not exported from the package.

/** Thrown inside the checker when a value is not one it vouches for; never escapes it. */
export class NotChecked extends Error {}

export function no(): never {
  throw new NotChecked();
}

export type Obj = Record<string, unknown>;

/** A plain object (JSON's kind) with no key outside `keys`. */
export function strict(v: unknown, keys: ReadonlySet<string>): Obj {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) no();
  for (const k in v) if (!keys.has(k)) no();
  return v as Obj;
}

/**
 * An optional key: `from[key]` through `check` when it is there; as zod, a key that is there with
 * `undefined` (a built object, never JSON) stays there with `undefined`, and an absent one absent.
 */
export function optional(out: Obj, from: Obj, key: string, check: (v: unknown) => unknown): void {
  const v = from[key];
  if (v !== undefined) out[key] = check(v);
  else if (key in from) out[key] = undefined;
}

export function record<T>(
  v: unknown,
  key: (k: string) => unknown,
  value: (v: unknown) => T,
): Record<string, T> {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) no();
  const out: Record<string, T> = {};
  for (const k of Reflect.ownKeys(v)) {
    // zod skips `__proto__` and non-enumerable keys and refuses symbols: all left to it
    if (typeof k !== 'string' || k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) no();
    key(k);
    out[k] = value((v as Obj)[k]);
  }
  return out;
}

export function array<T>(v: unknown, item: (v: unknown) => T, max = Number.POSITIVE_INFINITY): T[] {
  if (!Array.isArray(v) || v.length > max) no();
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i]);
  return out;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : no();
}

export function text(v: unknown, min: number, max: number, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) no();
  if (pattern && !pattern.test(v)) no();
  return v;
}

/** `z.number()`: finite. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : no();
}

export function count(v: unknown, min: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : no();
}

export function oneOf<T>(values: ReadonlySet<unknown>): (v: unknown) => T {
  return (v) => (values.has(v) ? (v as T) : no());
}

export const semver = (v: unknown) => text(v, 0, 256, SEMVER_PATTERN);
export const skillName = (v: unknown) => text(v, 1, SKILL_NAME_MAX, SKILL_NAME_PATTERN);
export const range = (v: unknown) => text(v, 1, 256, RANGE_PATTERN);
export const integrity = (v: unknown) => text(v, 0, Number.POSITIVE_INFINITY, INTEGRITY_PATTERN);
export const category = oneOf(new Set(CATEGORIES));
export const warningCode = oneOf(new Set(CONTENT_WARNING_CODES));
export const strings = (v: unknown) => array(v, str);
export const nonnegative = (v: unknown) => count(v, 0);

export function bundleName(v: unknown): string {
  return isBundleName(v) ? (v as string) : no();
}

const SIGNATURE_KEYS = new Set(['keyid', 'sig']);
export function signature(v: unknown): Obj {
  const d = strict(v, SIGNATURE_KEYS);
  return { keyid: str(d.keyid), sig: str(d.sig) };
}

const CAPABILITY_KEYS = new Set(['network', 'exec', 'env', 'write']);
const capabilityList = (v: unknown) => array(v, (s) => text(s, 1, 256), 256);
export function capabilities(v: unknown): Obj {
  const d = strict(v, CAPABILITY_KEYS);
  const out: Obj = {};
  for (const k of CAPABILITY_KEYS) optional(out, d, k, capabilityList);
  return out;
}

/** What `check` makes of `data`, or undefined when it leaves `data` to zod. */
export function attempt<T>(check: (v: unknown) => T, data: unknown): T | undefined {
  try {
    return check(data);
  } catch (err) {
    if (err instanceof NotChecked) return undefined;
    throw err;
  }
}

/** A `safeParse` that answers from `check` when it can and asks `schema` otherwise. */
export function checkedFirst<T>(
  check: (data: unknown) => T | undefined,
  schema: z.ZodType<T>,
): { safeParse(data: unknown): z.ZodSafeParseResult<T> } {
  return {
    safeParse(data) {
      const checked = check(data);
      return checked !== undefined ? { success: true, data: checked } : schema.safeParse(data);
    },
  };
}

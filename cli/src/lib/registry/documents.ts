import { formatIssuePath, isBundleName } from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import type { HttpResponse } from './http.ts';

/** Anything with zod's `safeParse` shape: the schemas of `@skills/schemas` and small guards. */
export interface Parser<T> {
  safeParse(
    data: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message?: string }[] } };
}

/**
 * Parses a JSON answer and checks it against `schema`. Throws BAD_RESPONSE naming the first
 * field that does not fit (never echoing the body).
 * @example const doc = parseDocument(res, 'bundle document', bundleDocumentSchema)
 */
export function parseDocument<T>(res: HttpResponse, what: string, schema: Parser<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new SkillsError('BAD_RESPONSE', `the registry sent a ${what} that is not JSON`, {
      hint: 'the registry or a proxy in between is misbehaving',
    });
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? formatIssuePath(issue.path) : '';
  throw new SkillsError(
    'BAD_RESPONSE',
    `the registry sent an invalid ${what}${where ? ` (at ${where}${issue?.message ? `: ${issue.message}` : ''})` : ''}`,
    { hint: 'the registry may be a different version than this CLI; try updating skills' },
  );
}

/**
 * Returns `name` when it is a valid bundle name, so it can go into a URL path unescaped.
 * Throws USAGE otherwise.
 * @example validateName('@acme/deploy') // '@acme/deploy'
 */
export function validateName(name: string): string {
  if (!isBundleName(name)) {
    throw new SkillsError(
      'USAGE',
      `"${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 140)}" is not a valid bundle name`,
      {
        hint: 'bundle names are "name" or "@scope/name": lowercase letters and digits separated by hyphens',
        exitCode: 2,
      },
    );
  }
  return name;
}

/**
 * A Parser from a plain test, for answers too small to need a schema.
 * @example parseDocument(res, 'names', guard<string[]>((d) => Array.isArray(d) && d.every(isString)))
 */
export function guard<T>(test: (d: unknown) => boolean): Parser<T> {
  return {
    safeParse: (data: unknown) =>
      test(data)
        ? { success: true as const, data: data as T }
        : { success: false as const, error: { issues: [{ path: [] as PropertyKey[] }] } },
  };
}

export function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** BAD_RESPONSE for an answer that is well formed but not what was asked for. */
export function mismatch(message: string): SkillsError {
  return new SkillsError('BAD_RESPONSE', message, {
    hint: 'the registry or a proxy in between is misbehaving',
  });
}

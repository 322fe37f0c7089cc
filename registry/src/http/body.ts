import { readStreamBounded } from '@skills/archive';
import { formatIssuePath } from '@skills/schemas';
import type { Context } from 'hono';
import { MAX_JSON_BYTES } from '../deps.ts';
import { RegistryError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/**
 * Reads the request body, counting bytes as they arrive and giving up past `maxBytes`
 * (413 TOO_LARGE) whatever `Content-Length` claims.
 */
export async function readBody(c: Context<AppEnv>, maxBytes: number): Promise<Buffer> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const body = await readStreamBounded(stream, maxBytes);
  if (!body) throw tooLarge(maxBytes);
  return body;
}

/**
 * Reads and validates a JSON body with `schema`: malformed JSON or a failed check is 400
 * BAD_REQUEST naming the field. An empty body reads as `{}` when `optional`.
 */
export async function readJson<T>(
  c: Context<AppEnv>,
  schema: Validator<T>,
  options: { optional?: boolean } = {},
): Promise<T> {
  const raw = (await readBody(c, MAX_JSON_BYTES)).toString('utf8');
  let value: unknown = {};
  if (raw.trim() !== '' || !options.optional) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new RegistryError('BAD_REQUEST', 'the request body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = formatIssuePath(issue.path);
    throw new RegistryError('BAD_REQUEST', where ? `${where}: ${issue.message}` : issue.message);
  }
  return parsed.data;
}

/** What readJson needs of a zod schema (kept structural: zod is a dependency of schemas only). */
export interface Validator<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

function tooLarge(maxBytes: number): RegistryError {
  return new RegistryError('TOO_LARGE', `the request body is over the limit of ${maxBytes} bytes`);
}

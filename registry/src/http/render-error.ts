import type { ErrorEnvelope } from '@skills/schemas';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RegistryError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import { isOutage } from './outage.ts';

/**
 * The one renderer of errors: every failure, from a route, a validator or hono itself, becomes
 * the envelope of `errorEnvelopeSchema`, and is counted by code in the metrics. A backing service
 * out of reach (see `isOutage`) is 503 UNAVAILABLE with `Retry-After: 1`, logged as a warning.
 * Anything else that is not a RegistryError is a bug: logged with its stack, a bare 500 INTERNAL.
 */
export function renderError(c: Context<AppEnv>, err: unknown): Response {
  const e = toRegistryError(err);
  const requestId = c.get('requestId') ?? 'unknown';
  c.get('deps')?.metrics.error(e.code);
  if (e.code === 'INTERNAL' || (e.code === 'UNAVAILABLE' && !(err instanceof RegistryError))) {
    c.get('deps')?.log({
      level: e.code === 'INTERNAL' ? 'error' : 'warn',
      msg: e.code === 'INTERNAL' ? 'unhandled error' : 'backing service unavailable',
      requestId,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
  if (e.retryAfter !== undefined) c.header('Retry-After', String(e.retryAfter));
  c.header('Cache-Control', 'no-store');
  // npm prints a string `error` of an answer and nothing of an object: the npm API speaks npm's shape.
  if (c.req.path.startsWith('/npm/')) {
    return c.json(
      { error: `${e.code}: ${e.message}`, code: e.code, requestId },
      e.status as ContentfulStatusCode,
    );
  }
  const body: ErrorEnvelope = { error: { code: e.code, message: e.message, requestId } };
  if (e.problems) body.error.problems = e.problems;
  return c.json(body, e.status as ContentfulStatusCode);
}

function toRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  if (isOutage(err)) {
    return new RegistryError('UNAVAILABLE', 'storage is unavailable for a moment: retry', { retryAfter: 1 });
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return new RegistryError('TOO_LARGE', 'the request body is too large');
    if (status === 401) return new RegistryError('UNAUTHORIZED', err.message || 'unauthorized');
    if (status >= 400 && status < 500) return new RegistryError('BAD_REQUEST', err.message || 'bad request');
  }
  return new RegistryError('INTERNAL', 'internal error: the request id identifies it in the logs');
}

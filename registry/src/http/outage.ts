import { BlobStoreUnavailableError } from '../storage/blob-store.ts';

/** PostgreSQL SQLSTATEs for a connection that went away: terminated, server restarting, link lost. */
const PG_GONE = /^(57P0[123]|08\d\d\d)$/;
const NETWORK_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** node-postgres reports a connection closed under a query with these messages and no code. */
const PG_TERMINATED = /^Connection terminated( unexpectedly)?$/;

/**
 * Whether `error` (or anything in its `cause` chain) says a backing service — blob storage or
 * the database — is out of reach for now. Such failures are answered 503 UNAVAILABLE with a
 * Retry-After, so clients retry instead of treating them as bugs; the service itself recovers
 * on the next request (pools reconnect, the S3 client opens new connections).
 */
export function isOutage(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof BlobStoreUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_GONE.test(code) || NETWORK_GONE.has(code))) return true;
    if (PG_TERMINATED.test(e.message)) return true;
  }
  return false;
}

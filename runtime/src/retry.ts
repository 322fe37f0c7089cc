/** How a session retries model requests the server refused for now (429, 5xx, lost connections). */
export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** The first delay; each next one doubles, up to `maxDelayMs` (default 1 s). */
  baseDelayMs?: number;
  /** The longest delay, also the cap on a server's Retry-After (default 30 s). */
  maxDelayMs?: number;
  /** How to wait; injected by tests. Default: setTimeout, cut short by the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Whether a model request failure may pass if tried again: HTTP 408, 409, 429 and 5xx, and
 * connection errors of the SDK (no status). A 4xx such as 400, 401 or 404 is final.
 */
export function isRetryable(err: unknown): boolean {
  if ((err as Error)?.name === 'AbortError') return false;
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number') return status === 408 || status === 409 || status === 429 || status >= 500;
  const name = (err as Error)?.constructor?.name ?? '';
  return name === 'APIConnectionError' || name === 'APIConnectionTimeoutError';
}

/**
 * The wait before retry number `attempt` (0-based): the server's Retry-After when it sent one
 * (seconds), else `baseDelayMs * 2^attempt`, never more than `maxDelayMs`.
 */
export function retryDelay(err: unknown, attempt: number, policy: RetryPolicy): number {
  const max = policy.maxDelayMs ?? 30_000;
  const headers = (err as { headers?: { get?: (k: string) => string | null } })?.headers;
  const header = headers?.get?.('retry-after');
  const after = header ? Number(header) : Number.NaN;
  if (Number.isFinite(after) && after >= 0) return Math.min(after * 1000, max);
  return Math.min((policy.baseDelayMs ?? 1000) * 2 ** attempt, max);
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

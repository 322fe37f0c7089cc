import { setTimeout as sleep } from 'node:timers/promises';
// The narrow entry point: the whole archive module (yaml, the tar code) loads only when a tarball is unpacked.
import { readStreamBounded } from '@skills/archive/read-bounded';
import { redactSecrets, SkillsError } from '../errors.ts';
import { BodyTooLarge, nodeRequest, type ResponseHeaders } from './node-transport.ts';

/** How one client talks HTTP: retries, timeouts and what it may never print. */
export interface HttpSettings {
  /** A fetch to send with (tests, special transports); without one, node:http (see nodeRequest). */
  fetch?: typeof globalThis.fetch | undefined;
  userAgent: string;
  /** Retries after the first attempt. */
  retries: number;
  /** Per attempt, body included. */
  timeoutMs: number;
  /** First backoff delay; doubled each retry, with jitter. */
  retryBaseMs: number;
  /** Longest wait between attempts, `Retry-After` included. */
  maxRetryDelayMs: number;
  /** Strings to remove from every message (the token). */
  secrets: string[];
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Waits between attempts (tests pass one that records instead of waiting). */
  sleep?: ((ms: number) => Promise<unknown>) | undefined;
}

/** Why and when the client will try again; for progress output. */
export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: string;
  url: string;
}

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Largest response body accepted, in bytes. */
  maxBytes?: number;
  /**
   * Whether repeating the request after a 5xx or a timeout is harmless; default: every method
   * but POST. A publish is a PUT that is not: a retry after the server acted would answer 409.
   */
  retrySafe?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Sends one request with timeouts and retries: network errors, timeouts, 5xx and 429 are
 * retried with exponential backoff and jitter (429 and 503 honour `Retry-After`, capped). A POST
 * (or `retrySafe: false`) is retried only when the server surely did nothing (429, 503,
 * connection refused). Other
 * statuses are returned as they are. Throws SkillsError NETWORK, TIMEOUT or TOO_LARGE.
 * @example const res = await sendWithRetries(settings, { method: 'GET', url })
 */
export async function sendWithRetries(settings: HttpSettings, req: HttpRequest): Promise<HttpResponse> {
  const idempotent = req.retrySafe ?? req.method !== 'POST';
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < settings.retries;
    let res: HttpResponse;
    try {
      res = await sendOnce(settings, req);
    } catch (err) {
      if (err instanceof SkillsError) throw err;
      const failure = classifyFailure(err, req.url, settings.secrets);
      if (!canRetry || !(idempotent || failure.refused)) throw failure.error;
      await pause(settings, attempt, undefined, failure.error.message, req.url);
      continue;
    }
    const retryable = res.status === 429 || res.status === 503 || (idempotent && res.status >= 500);
    if (!retryable || !canRetry) return res;
    await pause(settings, attempt, res.headers.get('retry-after'), `HTTP ${res.status}`, req.url);
  }
}

async function sendOnce(settings: HttpSettings, req: HttpRequest): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const headers = { 'user-agent': settings.userAgent, accept: 'application/json', ...req.headers };
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!settings.fetch) {
    try {
      return await nodeRequest({
        method: req.method,
        url: req.url,
        headers,
        body: req.body,
        maxBytes,
        signal,
      });
    } catch (err) {
      if (err instanceof BodyTooLarge) throw tooLarge(req.url, maxBytes);
      throw err;
    }
  }
  const res = await settings.fetch(req.url, {
    method: req.method,
    headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    signal,
  });
  const body = await readBounded(res, maxBytes, req.url);
  return { status: res.status, headers: res.headers, body };
}

function tooLarge(url: string, maxBytes: number): SkillsError {
  return new SkillsError('TOO_LARGE', `the answer from ${safeUrl(url)} is larger than ${maxBytes} bytes`, {
    hint: 'the registry or a mirror in between is misbehaving',
  });
}

/** Reads a body, counting bytes as they arrive: a lying or missing Content-Length changes nothing. */
async function readBounded(res: Response, maxBytes: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(url, maxBytes);
  }
  if (!res.body) return Buffer.alloc(0);
  const body = await readStreamBounded(res.body, maxBytes);
  if (!body) throw tooLarge(url, maxBytes);
  return body;
}

async function pause(
  settings: HttpSettings,
  attempt: number,
  retryAfter: string | null | undefined,
  reason: string,
  url: string,
): Promise<void> {
  const fromHeader = parseRetryAfter(retryAfter);
  const backoff = settings.retryBaseMs * 2 ** attempt;
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  const delayMs = Math.round(Math.min(settings.maxRetryDelayMs, fromHeader ?? jittered));
  settings.onRetry?.({ attempt: attempt + 1, delayMs, reason, url: safeUrl(url) });
  await (settings.sleep ?? sleep)(delayMs);
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable.
 * @example parseRetryAfter('2') // 2000
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classifyFailure(
  err: unknown,
  url: string,
  secrets: string[],
): { error: SkillsError; refused: boolean } {
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return {
      error: new SkillsError('TIMEOUT', `no answer from ${safeUrl(url)} in time`, {
        hint: 'the registry is slow or unreachable; try again later',
        cause: err,
      }),
      refused: false,
    };
  }
  const code = e?.cause?.code ?? e?.code;
  const detail = redactSecrets(String(code ?? e?.cause?.message ?? e?.message ?? err), secrets);
  return {
    error: new SkillsError('NETWORK', `cannot reach ${safeUrl(url)}: ${detail}`, {
      hint: 'check the registry URL (--registry, SKILLS_REGISTRY) and your network',
      cause: err,
    }),
    refused: code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN',
  };
}

/** A URL without query or credentials, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Text from a remote party made safe for a terminal: control and bidi characters replaced,
 * length capped (docs/security.md rows 15 and 16).
 * @example sanitizeRemoteText('evil\u001b[2J') // 'evil?[2J'
 */
export function sanitizeRemoteText(text: string, max = 500): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * One line for people about a retry, naming the URL once.
 * @example describeRetry({ attempt: 1, delayMs: 200, reason: 'HTTP 503', url: 'http://r/x' }) // 'skills: HTTP 503 from http://r/x; retrying in 0.2s'
 */
export function describeRetry(r: RetryInfo): string {
  const what = r.reason.includes(r.url) ? r.reason : `${r.reason} from ${r.url}`;
  return `skills: ${what}; retrying in ${(r.delayMs / 1000).toFixed(1)}s\n`;
}

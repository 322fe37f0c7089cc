import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { formatIssuePath } from '@skills/schemas';
import type { Context } from 'hono';
import { MAX_JSON_BYTES } from '../deps.ts';
import { RegistryError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/**
 * Reads the request body, counting bytes as they arrive and giving up past `maxBytes`
 * (413 TOO_LARGE) whatever `Content-Length` claims, or when no byte came for `deps.bodyIdleMs`
 * (408 REQUEST_TIMEOUT, and the connection is closed: docs/security.md row 19). `onChunk` sees the
 * size of each chunk as it arrives; what it throws ends the read and is thrown from here.
 */
export async function readBody(
  c: Context<AppEnv>,
  maxBytes: number,
  options: { onChunk?: (bytes: number) => void } = {},
): Promise<Buffer> {
  const declared = declaredLength(c);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const idleMs = c.get('deps').bodyIdleMs;
  const incoming = c.env?.incoming;
  // Under `serve`, a body of a declared length is read from the Node request itself: asking
  // for `c.req.raw.body` builds a fetch Request, its Headers and a web stream around the socket,
  // most of the cost of reading a small body (~0.5 ms of a publish's main-thread CPU).
  const direct = incoming !== undefined && Number.isFinite(declared) && incoming.readableFlowing === null;
  const web = direct ? undefined : c.req.raw.body;
  if (!direct && !web) return Buffer.alloc(0);
  invitePendingBody(c);
  let body: Buffer | undefined;
  try {
    body = direct
      ? // Stopped by pausing: the answer still goes out on this request's socket.
        await readBounded(incoming, {
          maxBytes,
          idleMs,
          onChunk: options.onChunk,
          stop: () => incoming.pause(),
        })
      : await readWebBounded(web!, { maxBytes, idleMs, onChunk: options.onChunk });
  } catch (e) {
    if (!(e instanceof BodyIdleError)) throw e;
    c.header('Connection', 'close');
    throw new RegistryError('REQUEST_TIMEOUT', `no byte of the request body came for ${idleMs} ms`);
  }
  if (!body) throw tooLarge(maxBytes);
  return body;
}

interface BoundedRead {
  maxBytes: number;
  /** Longest wait for the next chunk: past it the read fails with BodyIdleError. */
  idleMs: number;
  /** Sees each chunk's size as it arrives; what it throws ends the read and is rejected with. */
  onChunk?: ((bytes: number) => void) | undefined;
}

/** `readBounded` over a web stream (`app.request`, or a chunked body): stopped by cancelling it. */
function readWebBounded(web: ReadableStream<Uint8Array>, read: BoundedRead): Promise<Buffer | undefined> {
  const source = Readable.fromWeb(web as WebReadableStream<Uint8Array>);
  return readBounded(source, { ...read, stop: () => source.destroy() });
}

/**
 * The body of `source`, counted as it arrives: undefined past `maxBytes`, BodyIdleError after
 * `idleMs` without a chunk, what `onChunk` throws, or the stream's own error. On the first three
 * the source is read no further (`stop`).
 */
function readBounded(source: Readable, read: BoundedRead & { stop(): void }): Promise<Buffer | undefined> {
  const { maxBytes, idleMs, onChunk, stop } = read;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (error: unknown, body?: Buffer, stopping = false) => {
      clearTimeout(timer);
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
      // Read no further; the answer closes the connection (its caller says `Connection: close`).
      if (stopping) stop();
      if (error === undefined) resolve(body);
      else reject(error);
    };
    const timer = setTimeout(() => finish(new BodyIdleError(), undefined, true), idleMs);
    const onData = (chunk: Buffer) => {
      try {
        onChunk?.(chunk.byteLength);
      } catch (e) {
        finish(e, undefined, true);
        return;
      }
      total += chunk.byteLength;
      if (total > maxBytes) {
        finish(undefined, undefined, true);
        return;
      }
      chunks.push(chunk);
      timer.refresh();
    };
    const onEnd = () => finish(undefined, Buffer.concat(chunks, total));
    const onError = (e: Error) => finish(e);
    const onClose = () => finish(new Error('the request was aborted before its body ended'));
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
  });
}

/** The request's `Content-Length`, or undefined when it sends none (chunked). */
export function declaredLength(c: Context<AppEnv>): number {
  const header = c.req.header('content-length');
  return header === undefined ? Number.NaN : Number(header);
}

class BodyIdleError extends Error {}

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

export function tooLarge(maxBytes: number): RegistryError {
  return new RegistryError('TOO_LARGE', `the request body is over the limit of ${maxBytes} bytes`);
}

/**
 * A client that sent `Expect: 100-continue` waits for "100 Continue" before sending its body. The
 * server holds that back (see `checkContinue` in server.ts) until a handler is about to read the
 * body, so a request refused before then (a stranger's upload, say) is answered with its error
 * and never invited to send.
 */
function invitePendingBody(c: Context<AppEnv>): void {
  const incoming = c.env?.incoming;
  const outgoing = c.env?.outgoing;
  if (!incoming || !outgoing || outgoing.headersSent) return;
  if (/^100-continue$/i.test(incoming.headers.expect ?? '')) outgoing.writeContinue();
}

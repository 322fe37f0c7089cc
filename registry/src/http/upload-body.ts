import type { Context } from 'hono';
import { RegistryError } from '../errors.ts';
import { declaredLength, readBody, tooLarge } from './body.ts';
import type { AppEnv } from './env.ts';

/** Seconds a client is told to wait when the upload bytes in flight are at their cap. */
export const UPLOAD_RETRY_AFTER_S = 5;

export interface UploadBody {
  /**
   * Reserves the upload's bytes in `deps.uploadBudget` and reads the body (every cap of
   * `readBody`, at most `archiveLimits.maxCompressedBytes`).
   * @throws RegistryError TOO_LARGE, UNAVAILABLE (503, Retry-After: the budget is full), REQUEST_TIMEOUT.
   */
  read(): Promise<Buffer>;
  /** Whether `read` was called and finished: else the connection is closed after the answer. */
  readonly consumed: boolean;
  /** Gives the reserved bytes back; call once the request is answered. */
  release(): void;
}

function busy(): RegistryError {
  return new RegistryError('UNAVAILABLE', 'too many uploads are in progress; try again shortly', {
    retryAfter: UPLOAD_RETRY_AFTER_S,
  });
}

/** The body of a publish, read only when the service asks for it (docs/security.md rows 18, 19). */
export function uploadBody(c: Context<AppEnv>): UploadBody {
  const deps = c.get('deps');
  const max = deps.archiveLimits.maxCompressedBytes;
  let release = () => {};
  let consumed = false;
  return {
    async read() {
      const declared = declaredLength(c);
      if (declared > max) throw tooLarge(max);
      const chunked = !Number.isFinite(declared);
      const reservation = deps.uploadBudget.reserve(chunked ? 0 : declared);
      if (!reservation) throw busy();
      release = reservation.release;
      const onChunk = (bytes: number) => {
        if (chunked && !reservation.grow(bytes)) throw busy();
      };
      const body = await readBody(c, max, { onChunk });
      consumed = true;
      return body;
    },
    get consumed() {
      return consumed;
    },
    release: () => release(),
  };
}

import { API_ERROR_STATUS, type ApiErrorCode } from '@skills/schemas';

/** One problem listed by an INVALID_BUNDLE answer: where, what, and a stable code. */
export interface ErrorProblem {
  path: string;
  message: string;
  code: string;
}

export interface RegistryErrorOptions {
  problems?: ErrorProblem[];
  /** Seconds, sent as `Retry-After` (RATE_LIMITED). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The one error type of the registry. `code` is one of the closed set in `API_ERROR_STATUS`
 * (`@skills/schemas`), which also gives the HTTP status; `onError` renders it as the envelope.
 * @example throw new RegistryError('VERSION_EXISTS', 'deploy@1.0.0 was already published')
 */
export class RegistryError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly problems?: ErrorProblem[];
  readonly retryAfter?: number;

  constructor(code: ApiErrorCode, message: string, options: RegistryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.status = API_ERROR_STATUS[code];
    if (options.problems) this.problems = options.problems;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

export const isRegistryError = (e: unknown): e is RegistryError => e instanceof RegistryError;

import { z } from 'zod';

/** Every error code the registry answers with, and its HTTP status. A closed set: add here first. */
export const API_ERROR_STATUS = {
  BAD_REQUEST: 400,
  NAME_MISMATCH: 400,
  VERSION_MISMATCH: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SIGNUP_CLOSED: 403,
  NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  VERSION_EXISTS: 409,
  NAME_TAKEN: 409,
  NAME_CONFUSABLE: 409,
  USER_EXISTS: 409,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_BUNDLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export const API_ERROR_CODES = Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]];

/** The body of every error answer: `{"error": {"code", "message", "requestId"}}`. */
export const errorEnvelopeSchema = z.lazy(() =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      requestId: z.string(),
      /** Every problem found, for INVALID_BUNDLE: `[{path, message, code}]`. */
      problems: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional(),
    }),
  }),
);
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

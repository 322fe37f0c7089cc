import { z } from 'zod';

/** Kinds of hidden-instruction findings (docs/security.md row 16). */
export const CONTENT_WARNING_CODES = [
  'BIDI_CONTROL',
  'ZERO_WIDTH',
  'INSTRUCTION_OVERRIDE',
  'PIPE_TO_SHELL',
  'CREDENTIAL_PATH',
  'EXFILTRATION_URL',
  'BASE64_BLOB',
] as const;

/** A finding of the content scan: recorded on the version, shown at install. */
export const contentWarningSchema = z.lazy(() =>
  z.strictObject({
    code: z.enum(CONTENT_WARNING_CODES),
    /** The file inside the bundle, relative to its root. */
    path: z.string(),
    line: z.number().int().positive(),
    message: z.string(),
  }),
);
export type ContentWarning = z.infer<typeof contentWarningSchema>;

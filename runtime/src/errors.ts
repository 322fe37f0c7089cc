import type { Problem } from '@skills/schemas';

/** The closed set of codes a RuntimeError carries; hosts map them to their own messages. */
export type RuntimeErrorCode =
  | 'PIPELINE_NOT_FOUND'
  | 'PIPELINE_INVALID'
  | 'INPUT_MISSING'
  | 'INPUT_UNKNOWN'
  | 'SKILL_NOT_INSTALLED'
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_RESUMABLE'
  | 'SANDBOX_UNAVAILABLE';

/**
 * A failure the caller can act on (a bad pipeline file, a missing input, a skill that is not
 * installed), as opposed to a bug. `problems` lists every defect with its path where there are several.
 * @example throw new RuntimeError('INPUT_MISSING', 'input "design" is required', { hint: 'pass --input design=…' })
 */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly hint: string | undefined;
  readonly problems: Problem[];

  constructor(
    code: RuntimeErrorCode,
    message: string,
    options: { hint?: string; problems?: Problem[] } = {},
  ) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }
}

/**
 * A user-facing failure: printed as `ERR_SKILLS_<CODE>: message` plus a hint, with exit status
 * `exitCode`. Anything else thrown is a bug and prints a stack only with `--debug`.
 * @example throw new SkillsError('NOT_FOUND', 'bundle "deploy-vercl" not found', { hint: 'did you mean deploy-vercel?' })
 */
export class SkillsError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** Machine-readable details for `--json` output. */
  readonly details: unknown;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; exitCode?: number; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SkillsError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details;
  }
}

/** Usage errors exit with 2, like most Unix tools. */
export function usageError(message: string, hint?: string): SkillsError {
  return new SkillsError('USAGE', message, { hint: hint ?? 'run `skills --help` for usage', exitCode: 2 });
}

const SECRET_PATTERNS: RegExp[] = [
  /\bsk_[A-Za-z0-9_-]{16,}/g, // registry tokens
  /(authorization:\s*(?:bearer|basic)\s+)[^\s"']+/gi,
  /(\/\/[^/\s:@]+:)[^@\s/]+@/g, // user:password@ in URLs
];

/** Removes anything that looks like a token or password from text bound for the terminal. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  for (const re of SECRET_PATTERNS)
    out = out.replace(re, (_m, keep: unknown) => `${typeof keep === 'string' ? keep : ''}[redacted]`);
  return out;
}

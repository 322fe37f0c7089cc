import type { ArchiveErrorCode } from '@skills/archive';
import type { RuntimeErrorCode } from '@skills/runtime';
import type { ApiErrorCode } from '@skills/schemas';

/** The codes the CLI raises itself (cli/README.md lists what each command may exit with). */
export const CLI_ERROR_CODES = [
  'USAGE',
  'CONFIG_INVALID',
  'NETWORK',
  'TIMEOUT',
  'TOO_LARGE',
  'BAD_RESPONSE',
  'REGISTRY_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'ALREADY_EXISTS',
  'INVALID_BUNDLE',
  'BUNDLE_INVALID',
  'ARCHIVE_REFUSED',
  'MANIFEST_INVALID',
  'MANIFEST_MISMATCH',
  'INVALID_RANGE',
  'VERSION_CONFLICT',
  'NO_MATCHING_VERSION',
  'RESOLVE_TOO_COMPLEX',
  'SKILL_CONFLICT',
  'SKILL_EXISTS',
  'LOCKFILE_INVALID',
  'LOCKFILE_MISSING',
  'LOCKFILE_OUTDATED',
  'INTEGRITY_MISMATCH',
  'INTEGRITY_CHANGED',
  'SIGNATURE_INVALID',
  'SIGNATURE_MISSING',
  'KEY_CHANGED',
  'KEY_MISMATCH',
  'NO_KEYS',
  'LOCAL_CHANGES',
  'LOCKED',
  'NOT_A_DEPENDENCY',
  'NOT_INSTALLED',
  'UNSAFE_PATH',
  'FOREIGN_LOCKFILE',
  'CAPABILITIES_WIDENED',
  'PIPELINE_AMBIGUOUS',
  'GIT_FAILED',
] as const;

/**
 * Every code a SkillsError may carry: the CLI's own, the registry's (passed through from its error
 * envelope), the archive reader's and the runtime's. A closed union, so a typo is a type error.
 */
export type SkillsErrorCode =
  | (typeof CLI_ERROR_CODES)[number]
  | ApiErrorCode
  | ArchiveErrorCode
  | RuntimeErrorCode;

/**
 * A user-facing failure: printed as `ERR_SKILLS_<CODE>: message` plus a hint, with exit status
 * `exitCode`. Anything else thrown is a bug and prints a stack only with `--debug`.
 * @example throw new SkillsError('NOT_FOUND', 'bundle "deploy-vercl" not found', { hint: 'did you mean deploy-vercel?' })
 */
export class SkillsError extends Error {
  readonly code: SkillsErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** Machine-readable details for `--json` output. */
  readonly details: unknown;

  constructor(
    code: SkillsErrorCode,
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
];

/** A URL-like run of text: scheme, `//`, then everything up to whitespace or a quote. */
const URL_LIKE = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s"'`<>]+)/g;

/**
 * Removes anything that looks like a token or password from text bound for the terminal:
 * `secrets` wherever they appear, registry tokens, Authorization values, and the user info of
 * URLs (see redactUserInfo).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  for (const re of SECRET_PATTERNS)
    out = out.replace(re, (_m, keep: unknown) => `${typeof keep === 'string' ? keep : ''}[redacted]`);
  return out.replace(URL_LIKE, (_m, scheme: string, rest: string) => scheme + redactUserInfo(rest));
}

/**
 * The part of a URL after `scheme://` with its user info redacted, up to the LAST `@` of the
 * authority, as URL parsers split it (`user:p@ss@host` → `user:[redacted]@host`); a bare
 * `token@host` loses the token. A password holding `/` ends the authority early for a parser
 * (`user:pa/ss@host`); when what precedes that `/` cannot be `host:port`, the user info runs to
 * the last `@` of the whole run instead, so such a password is redacted too.
 */
function redactUserInfo(rest: string): string {
  const authority = rest.slice(0, rest.search(/[/?#\\]|$/));
  let at = authority.lastIndexOf('@');
  if (at < 0 && /^[^[:@]+:(?!\d*$)/.test(authority)) at = rest.lastIndexOf('@');
  if (at < 0) return rest;
  const info = rest.slice(0, at);
  const colon = info.indexOf(':');
  const user = colon >= 0 ? info.slice(0, colon + 1) : '';
  return `${user}[redacted]${rest.slice(at)}`;
}

import { API_ERROR_CODES, type ApiErrorCode } from '@skills/schemas';
import { redactSecrets, SkillsError, type SkillsErrorCode } from '../errors.ts';
import { type HttpResponse, parseRetryAfter, safeUrl, sanitizeRemoteText } from './http.ts';

/** What `--json` shows of a registry error in `details`. */
export interface RegistryErrorDetails {
  status: number;
  /** The registry's own code when it is not one this CLI knows (a newer registry). */
  registryCode?: string;
  requestId?: string;
  problems?: { path: string; message: string; code: string }[];
}

/**
 * Turns a non-2xx answer into a SkillsError: the registry's envelope gives the code (e.g.
 * `VERSION_EXISTS`) and message; anything else becomes `REGISTRY_ERROR` (or UNAUTHORIZED,
 * FORBIDDEN, NOT_FOUND, RATE_LIMITED by status), an unknown code kept in `details.registryCode`. Remote
 * text is sanitised and secrets are removed.
 * @example throw errorFromResponse(res, { url, registryUrl, secrets: [token] })
 */
export function errorFromResponse(
  res: HttpResponse,
  opts: { url: string; registryUrl: string; secrets: string[] },
): SkillsError {
  const clean = (s: string) => redactSecrets(sanitizeRemoteText(s), opts.secrets);
  const envelope = parseEnvelope(res.body);
  const details: RegistryErrorDetails = { status: res.status };
  if (envelope?.requestId) details.requestId = clean(envelope.requestId);
  if (envelope?.problems) {
    details.problems = envelope.problems.slice(0, 200).map((p) => ({
      path: clean(p.path),
      message: clean(p.message),
      code: clean(p.code),
    }));
  }
  const known = envelope?.code !== undefined && (API_ERROR_CODES as string[]).includes(envelope.code);
  const code = known ? (envelope.code as ApiErrorCode) : undefined;
  if (envelope?.code && !known && /^[A-Z][A-Z0-9_]{0,39}$/.test(envelope.code))
    details.registryCode = envelope.code;
  const message = envelope?.message
    ? clean(envelope.message)
    : `${safeUrl(opts.url)} answered HTTP ${res.status}${statusWords(res.status)}`;
  return new SkillsError(code ?? fallbackCode(res.status), message, {
    hint: hintFor(code ?? fallbackCode(res.status), res, opts.registryUrl, details),
    details,
  });
}

interface Envelope {
  code?: string;
  message?: string;
  requestId?: string;
  problems?: { path: string; message: string; code: string }[];
}

function parseEnvelope(body: Buffer): Envelope | undefined {
  try {
    const data = JSON.parse(body.toString('utf8')) as { error?: Record<string, unknown> };
    const e = data?.error;
    if (typeof e !== 'object' || e === null) return undefined;
    const out: Envelope = {};
    if (typeof e.code === 'string') out.code = e.code;
    if (typeof e.message === 'string') out.message = e.message;
    if (typeof e.requestId === 'string') out.requestId = e.requestId;
    if (Array.isArray(e.problems)) {
      out.problems = e.problems
        .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null)
        .map((p) => ({
          path: String(p.path ?? ''),
          message: String(p.message ?? ''),
          code: String(p.code ?? ''),
        }));
    }
    return out;
  } catch {
    return undefined;
  }
}

function fallbackCode(status: number): SkillsErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  return 'REGISTRY_ERROR';
}

function statusWords(status: number): string {
  const words: Record<number, string> = {
    500: ' (internal error)',
    502: ' (bad gateway)',
    503: ' (unavailable)',
  };
  return words[status] ?? '';
}

function hintFor(
  code: SkillsErrorCode,
  res: HttpResponse,
  registryUrl: string,
  details: RegistryErrorDetails,
): string | undefined {
  switch (code) {
    case 'UNAUTHORIZED':
      return `run \`skills login --registry ${registryUrl}\` or set SKILLS_TOKEN`;
    case 'FORBIDDEN':
      return 'your token lacks the scope or you are not an owner; `skills whoami` and `skills owner ls NAME` tell more';
    case 'VERSION_EXISTS':
      return 'bump "version" in skill.json: a published version can never be reused';
    case 'NAME_TAKEN':
    case 'NAME_CONFUSABLE':
      return 'choose another name, or publish under your own scope (@you/name)';
    case 'INVALID_BUNDLE': {
      const first = details.problems?.[0];
      return first
        ? `${first.path}: ${first.message} (run \`skills validate --strict\` to see every problem)`
        : 'run `skills validate --strict` to see every problem';
    }
    case 'TOO_LARGE':
      return 'keep bundles small: remove build output and large assets';
    case 'RATE_LIMITED': {
      const wait = parseRetryAfter(res.headers.get('retry-after'));
      return wait !== undefined
        ? `the registry asks to wait ${Math.ceil(wait / 1000)}s`
        : 'wait a moment and retry';
    }
    case 'REGISTRY_ERROR':
      return res.status >= 500 ? 'the registry failed; try again later' : undefined;
    default:
      return undefined;
  }
}

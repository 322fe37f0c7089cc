/** What a secret is replaced with in transcripts and run records. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not treated as secrets: redacting `1` or `yes` would garble text. */
const MIN_SECRET_LENGTH = 6;

/**
 * A function that replaces every occurrence of each secret value (API keys, tokens, declared
 * secret variables) in a text with `[redacted]`, longest first so a secret containing another is
 * redacted whole. Values shorter than 6 characters are ignored.
 * @example makeRedactor(['sk-abc123'])('key sk-abc123') // 'key [redacted]'
 */
export function makeRedactor(secrets: Iterable<string | undefined>): (text: string) => string {
  const values = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))];
  values.sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };
}

/** Names whose values are secrets by convention, whatever declares them. */
const SECRET_NAME = /(^|_)(TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$|^(OPENAI_API_KEY|SKILLS_TOKEN)$/i;

/**
 * The values of an environment that look like secrets by their names (`*_TOKEN`, `*_KEY`,
 * `*_SECRET`, `*_PASSWORD`, …) plus those of `names` (variables skills declare), for a redactor.
 * @example secretValues({ GITHUB_TOKEN: 'ghp_x…', PATH: '/bin' }) // ['ghp_x…']
 */
export function secretValues(
  env: Readonly<Record<string, string | undefined>>,
  names: Iterable<string> = [],
): string[] {
  const declared = new Set(names);
  return Object.entries(env).flatMap(([k, v]) => (v && (SECRET_NAME.test(k) || declared.has(k)) ? [v] : []));
}

/**
 * A URL without credentials: no user, password, query or fragment (where keys are often put).
 * @example publicUrl('https://u:p@host/v1?key=x') // 'https://host/v1'
 */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

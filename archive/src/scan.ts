import type { ContentWarning } from '@skills/schemas';
import { printable } from './errors.ts';

type Code = ContentWarning['code'];

/** At most this many warnings of one code per file: a minified or generated file should not flood the list. */
const MAX_PER_CODE = 20;

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
/** Zero-width and invisible characters; ZWJ/ZWNJ and tag characters get a second look (see `hiddenChar`). */
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u180E]|[\u{E0000}-\u{E007F}]/gu;

// Every gap between two tokens is bounded ({0,300}, \s{1,10}): a pattern never scans a line more
// than a fixed distance from each place it starts, so a hostile 10 MiB line costs linear time.
const OVERRIDE: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\s{1,10}(?:(?:all|any|every)\s{1,10})?(?:of\s{1,10})?(?:(?:the|your|my)\s{1,10})?(?:previous|prior|above|earlier|preceding|former|original|system)\s{1,10}(?:instructions?|prompts?|directions|directives|rules|guidelines|messages)\b/i,
  /\bdisregard\s{1,10}(?:(?:all|any)\s{1,10})?(?:of\s{1,10})?(?:(?:the|your)\s{1,10})?(?:instructions|guidelines|rules|system\s{1,10}prompt)\b/i,
  /\byou\s{1,10}are\s{1,10}now\s{1,10}(?:an?\s{1,10})?(?:unrestricted|unfiltered|jailbroken|DAN\b|free\s{1,10}(?:of|from)|no\s{1,10}longer\s{1,10}(?:bound|an?\s{1,10}(?:ai|assistant))|in\s{1,10}(?:developer|god|jailbreak)\s{1,10}mode|(?:different|new)\s{1,10}(?:ai|assistant|persona|model))/i,
  /\b(?:do\s{1,10}not|don't|never)\s{1,10}(?:tell|inform|notify|alert|warn)\s{1,10}the\s{1,10}user\b/i,
  /\b(?:do\s{1,10}not|don't|never)\s{1,10}(?:mention|reveal|disclose|show)\s{1,10}(?:this|these|it|that|any\s{1,10}of\s{1,10}this)\s{1,10}to\s{1,10}the\s{1,10}user\b/i,
  /\bwithout\s{1,10}(?:telling|informing|notifying|alerting)\s{1,10}the\s{1,10}user\b/i,
  /\bkeep\s{1,10}(?:this|these|it)\s{1,10}(?:secret|hidden)\s{1,10}from\s{1,10}the\s{1,10}user\b/i,
  /<\|im_start\|>|<\|im_end\|>|<\|(?:system|assistant)\|>|\[\/?INST\]|<<SYS>>/i,
];

const SUDO = String.raw`(?:sudo\s{1,10}(?:-[^\s|]{1,20}\s{1,10}){0,5})?(?:env\s{1,10})?`;
/** A fetch, then within `gap` characters (and, with `noPipe`, before any other `|`) what runs it. */
interface Pair {
  first: RegExp;
  second: RegExp;
  gap: number;
  noPipe?: boolean;
}
const FETCH = /\b(?:curl|wget)\b/gi;
const PS_FETCH = /\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b/gi;
const PIPE_TO_SHELL_PAIRS: Pair[] = [
  {
    first: FETCH,
    second: new RegExp(
      String.raw`\|\s{0,10}${SUDO}(?:(?:ba|z|k|da|fi|c)?sh|python[0-9.]{0,5}|perl|ruby|node)\b`,
      'gi',
    ),
    gap: 300,
    noPipe: true,
  },
  { first: /\b(?:iex|invoke-expression)\b/gi, second: PS_FETCH, gap: 300 },
  { first: PS_FETCH, second: /\|\s{0,10}(?:iex|invoke-expression)\b/gi, gap: 300, noPipe: true },
];
const PIPE_TO_SHELL: RegExp[] = [
  /\b(?:ba|z)?sh\s{1,10}(?:-c\s{1,10})?["']?\$\(\s{0,10}(?:curl|wget)\b/i,
  /\b(?:ba|z)?sh\s{1,10}<\(\s{0,10}(?:curl|wget)\b/i,
];

const HOME = String.raw`(?:~|\$HOME|\$\{HOME\}|%USERPROFILE%|\$env:USERPROFILE)[\\/]`;
const CREDENTIAL: RegExp[] = [
  new RegExp(String.raw`${HOME}\.ssh\b`, 'i'),
  /\bid_(?:rsa|dsa|ecdsa|ed25519)\b/,
  /\.aws[\\/]credentials\b/,
  new RegExp(
    String.raw`${HOME}\.(?:npmrc|netrc|pypirc|docker[\\/]config\.json|kube[\\/]config|config[\\/]gh[\\/]hosts\.yml)`,
    'i',
  ),
  /\/etc\/(?:shadow|sudoers)\b/,
  /\.git-credentials\b/,
  /\b(?:env|printenv|set|export\s{1,10}-p)\s{0,10}\|\s{0,10}(?:curl|wget|nc|ncat|netcat)\b/,
];
const ENV_DUMP_PAIR: Pair = { first: FETCH, second: /\$\(\s{0,10}(?:env|printenv)\s{0,10}\)/g, gap: 300 };

const EXFIL_HOSTS =
  /\b(?:webhook\.site|requestbin\.(?:com|net|io)|pipedream\.net|ngrok(?:-free)?\.(?:io|app|dev)|pastebin\.com|hastebin\.com|paste\.ee|transfer\.sh|0x0\.st|termbin\.com|ix\.io|requestcatcher\.com|beeceptor\.com|hookbin\.com|burpcollaborator\.net|oastify\.com|interact\.sh|oast\.(?:pro|live|site|online|fun|me)|canarytokens\.com|discord(?:app)?\.com\/api\/webhooks|api\.telegram\.org\/bot)/i;
/** A curl upload of a local file (`-d @file`, `-F x=@file`, `-T file`), with a URL on the same line. */
const CURL = /\bcurl\b/i;
const UPLOAD_OPTION =
  /(?:^|\s)(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form)\s{0,5}["']?(?:[\w-]{1,64}=)?@[^\s"']|(?:^|\s)(?:-T|--upload-file)\s{1,5}[^\s-]/;
const URL = /https?:\/\//i;
const WGET_POST_FILE: Pair = { first: /\bwget\b/gi, second: /--post-file[=\s]/gi, gap: 300 };

/** Maximal runs of base64 (and base64url) characters: each match resumes after the last, so linear. */
const BASE64_RUN = /[A-Za-z0-9+/=_-]+/g;
const MIN_BASE64 = 200;
const DATA_IMAGE = /data:image\/(?:png|jpe?g|gif|webp|avif);base64,$/i;

/**
 * Looks for hidden instructions in a text file (docs/security.md row 16): bidirectional controls,
 * zero-width and other invisible characters (a BOM only at the start is fine), instruction-override
 * phrases, pipe-to-shell commands, credential paths, exfiltration endpoints and long base64 blobs.
 * At most one warning per code per line and 20 per code per file. Never throws.
 * @example scanContent('SKILL.md', 'curl https://x.sh | sh')[0].code // 'PIPE_TO_SHELL'
 */
export function scanContent(path: string, text: string): ContentWarning[] {
  const out: ContentWarning[] = [];
  const counts = new Map<Code, number>();
  const add = (code: Code, line: number, message: string): void => {
    const n = counts.get(code) ?? 0;
    if (n >= MAX_PER_CODE) return;
    counts.set(code, n + 1);
    out.push({ code, path, line, message });
  };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = i === 0 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    const bidi = BIDI.exec(line);
    if (bidi)
      add(
        'BIDI_CONTROL',
        lineNo,
        `holds the invisible bidirectional control ${codePoint(bidi[0])}, which can make text read differently than it runs`,
      );
    const hidden = hiddenChar(line);
    if (hidden)
      add(
        'ZERO_WIDTH',
        lineNo,
        `holds the invisible character ${codePoint(hidden)}, which can hide text from a reader`,
      );
    const override = firstMatch(OVERRIDE, line);
    if (override)
      add(
        'INSTRUCTION_OVERRIDE',
        lineNo,
        `reads like an attempt to override the agent's instructions: "${snippet(override)}"`,
      );
    const pipe = firstMatch(PIPE_TO_SHELL, line) ?? firstPair(PIPE_TO_SHELL_PAIRS, line);
    if (pipe) add('PIPE_TO_SHELL', lineNo, `runs code straight from the network: "${snippet(pipe)}"`);
    const cred = firstMatch(CREDENTIAL, line) ?? findPair(ENV_DUMP_PAIR, line);
    if (cred) add('CREDENTIAL_PATH', lineNo, `refers to credentials or secrets: "${snippet(cred)}"`);
    const exfil = EXFIL_HOSTS.exec(line)?.[0] ?? findPair(WGET_POST_FILE, line) ?? curlUpload(line);
    if (exfil) add('EXFILTRATION_URL', lineNo, `may send data out: "${snippet(exfil)}"`);
    const blob = base64Blob(line);
    if (blob)
      add(
        'BASE64_BLOB',
        lineNo,
        `holds a ${blob.length}-character base64 blob, which can hide instructions from a reader`,
      );
  });
  return out;
}

/** The first invisible character that is not part of an emoji sequence or a script that needs it. */
function hiddenChar(line: string): string | undefined {
  for (const m of line.matchAll(INVISIBLE)) {
    const c = m[0];
    const at = m.index;
    const cp = c.codePointAt(0)!;
    if (cp === 0x200c || cp === 0x200d) {
      // Joiners inside emoji sequences and non-Latin scripts are ordinary; next to ASCII they hide things.
      const before = line.codePointAt(at - 1) ?? 0;
      const after = line.codePointAt(at + 1) ?? 0;
      if (at > 0 && before >= 0x80 && after >= 0x80) continue;
    }
    if (cp >= 0xe0000 && isFlagTag(line, at)) continue;
    return c;
  }
  return undefined;
}

/** Tag characters right after 🏴 spell a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿); a flag has at most 7 of them. */
function isFlagTag(line: string, at: number): boolean {
  let i = at;
  for (let n = 0; n < 7; n++) {
    const prev = line.codePointAt(i - 2);
    if (prev === 0x1f3f4) return true;
    if (prev === undefined || prev < 0xe0000 || prev > 0xe007f) return false;
    i -= 2;
  }
  return false;
}

function base64Blob(line: string): string | undefined {
  if (line.length < MIN_BASE64) return undefined;
  for (const m of line.matchAll(BASE64_RUN)) {
    const run = m[0].replace(/^[=_-]+|=+$/g, '');
    if (run.length < MIN_BASE64) continue;
    if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9]/.test(run)) continue;
    if (DATA_IMAGE.test(line.slice(Math.max(0, m.index - 40), m.index))) continue;
    return run;
  }
  return undefined;
}

function curlUpload(line: string): string | undefined {
  const curl = CURL.exec(line);
  if (!curl || !URL.test(line)) return undefined;
  const option = UPLOAD_OPTION.exec(line.slice(curl.index));
  return option ? `curl …${option[0]}…` : undefined;
}

function firstMatch(patterns: readonly RegExp[], line: string): string | undefined {
  for (const p of patterns) {
    const m = p.exec(line);
    if (m) return m[0];
  }
  return undefined;
}

function firstPair(pairs: readonly Pair[], line: string): string | undefined {
  for (const p of pairs) {
    const found = findPair(p, line);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The first `second` match that follows a `first` match within `gap` characters. Both patterns are
 * global and walked once each, so the cost is linear in the line, whatever it holds.
 */
function findPair(pair: Pair, line: string): string | undefined {
  const { first, second, gap } = pair;
  first.lastIndex = 0;
  second.lastIndex = 0;
  let next = first.exec(line);
  if (!next) return undefined;
  let last: { start: number; end: number } | undefined;
  for (let m = second.exec(line); m; m = second.exec(line)) {
    while (next && next.index + next[0].length <= m.index) {
      last = { start: next.index, end: next.index + next[0].length };
      next = first.exec(line);
    }
    if (!last || m.index - last.end > gap) continue;
    const pipeAt = pair.noPipe ? line.indexOf('|', last.end) : -1;
    if (pipeAt !== -1 && pipeAt < m.index) continue;
    return line.slice(last.start, m.index + m[0].length);
  }
  return undefined;
}

function snippet(text: string): string {
  const t = printable(text.trim());
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

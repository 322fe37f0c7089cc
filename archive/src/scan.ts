import type { ContentWarning } from '@skills/schemas';
import { printable } from './errors.ts';

type Code = ContentWarning['code'];

/** At most this many warnings of one code per file: a minified or generated file should not flood the list. */
const MAX_PER_CODE = 20;

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
/** Zero-width and invisible characters; ZWJ/ZWNJ and tag characters get a second look (see `hiddenChar`). */
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u180E]|[\u{E0000}-\u{E007F}]/gu;

const OVERRIDE: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|every\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|former|original|system)\s+(?:instructions?|prompts?|directions|directives|rules|guidelines|messages)\b/i,
  /\bdisregard\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:instructions|guidelines|rules|system\s+prompt)\b/i,
  /\byou\s+are\s+now\s+(?:an?\s+)?(?:unrestricted|unfiltered|jailbroken|DAN\b|free\s+(?:of|from)|no\s+longer\s+(?:bound|an?\s+(?:ai|assistant))|in\s+(?:developer|god|jailbreak)\s+mode|(?:a\s+)?(?:different|new)\s+(?:ai|assistant|persona|model))/i,
  /\b(?:do\s+not|don't|never)\s+(?:tell|inform|notify|alert|warn)\s+the\s+user\b/i,
  /\b(?:do\s+not|don't|never)\s+(?:mention|reveal|disclose|show)\s+(?:this|these|it|that|any\s+of\s+this)\s+to\s+the\s+user\b/i,
  /\bwithout\s+(?:telling|informing|notifying|alerting)\s+the\s+user\b/i,
  /\bkeep\s+(?:this|these|it)\s+(?:secret|hidden)\s+from\s+the\s+user\b/i,
  /<\|im_start\|>|<\|im_end\|>|<\|(?:system|assistant)\|>|\[\/?INST\]|<<SYS>>/i,
];

const PIPE_TO_SHELL: RegExp[] = [
  /\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+)?(?:ba|z|k|da|fi|c)?sh\b/i,
  /\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:python[0-9.]*|perl|ruby|node)\b/i,
  /\b(?:ba|z)?sh\s+(?:-c\s+)?["']?\$\(\s*(?:curl|wget)\b/i,
  /\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b/i,
  /\b(?:iex|invoke-expression)\b[^\n]*\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b/i,
  /\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b[^|\n]*\|\s*(?:iex|invoke-expression)\b/i,
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
  /\b(?:env|printenv|set|export\s+-p)\s*\|\s*(?:curl|wget|nc|ncat|netcat)\b/,
  /\b(?:curl|wget)\b[^\n]*\$\(\s*(?:env|printenv)\s*\)/,
];

const EXFIL_HOSTS =
  /\b(?:webhook\.site|requestbin\.(?:com|net|io)|[a-z0-9-]+\.m\.pipedream\.net|pipedream\.net|[a-z0-9-]+\.ngrok(?:-free)?\.(?:io|app|dev)|ngrok\.io|pastebin\.com|hastebin\.com|paste\.ee|transfer\.sh|0x0\.st|termbin\.com|ix\.io|requestcatcher\.com|beeceptor\.com|hookbin\.com|burpcollaborator\.net|oastify\.com|interact\.sh|oast\.(?:pro|live|site|online|fun|me)|canarytokens\.com|discord(?:app)?\.com\/api\/webhooks|api\.telegram\.org\/bot)/i;
const FILE_UPLOAD =
  /\bcurl\b[^\n]*(?:\s(?:-d|--data(?:-binary|-raw|-urlencode)?|-F|--form)\s*["']?(?:[\w-]+=)?@[^\s"']+|\s(?:-T|--upload-file)\s+\S+)[^\n]*https?:\/\/|\bcurl\b[^\n]*https?:\/\/\S+[^\n]*\s(?:-d|--data(?:-binary|-raw)?|-F|--form|-T|--upload-file)\s*["']?(?:[\w-]+=)?@?[~/.$][^\s"']*/i;
const WGET_POST_FILE = /\bwget\b[^\n]*--post-file[=\s]/i;

const BASE64_RUN = /[A-Za-z0-9+/]{200,}={0,2}|[A-Za-z0-9_-]{200,}/g;
const DATA_IMAGE = /data:image\/(?:png|jpe?g|gif|webp|avif);base64,$/i;

/**
 * Looks for hidden instructions in a text file (SECURITY.md row 16): bidirectional controls,
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
    const pipe = firstMatch(PIPE_TO_SHELL, line);
    if (pipe) add('PIPE_TO_SHELL', lineNo, `runs code straight from the network: "${snippet(pipe)}"`);
    const cred = firstMatch(CREDENTIAL, line);
    if (cred) add('CREDENTIAL_PATH', lineNo, `refers to credentials or secrets: "${snippet(cred)}"`);
    const exfil = EXFIL_HOSTS.exec(line) ?? FILE_UPLOAD.exec(line) ?? WGET_POST_FILE.exec(line);
    if (exfil) add('EXFILTRATION_URL', lineNo, `may send data out: "${snippet(exfil[0])}"`);
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
    if (cp >= 0xe0000 && /\u{1F3F4}[\u{E0000}-\u{E007F}]*$/u.test(line.slice(0, at))) continue; // subdivision flags
    return c;
  }
  return undefined;
}

function base64Blob(line: string): string | undefined {
  for (const m of line.matchAll(BASE64_RUN)) {
    const run = m[0];
    if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9]/.test(run)) continue;
    if (DATA_IMAGE.test(line.slice(Math.max(0, m.index - 40), m.index))) continue;
    return run;
  }
  return undefined;
}

function firstMatch(patterns: readonly RegExp[], line: string): string | undefined {
  for (const p of patterns) {
    const m = p.exec(line);
    if (m) return m[0];
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

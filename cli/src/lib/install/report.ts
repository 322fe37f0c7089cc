import { CAPABILITY_KINDS, type Capabilities } from '@skills/schemas';
import { sanitizeRemoteText } from '../registry/http.ts';
import type { StoreEntry } from '../store/store.ts';

/** Something people should know about what is being installed; also in `--json` output. */
export interface InstallWarning {
  /** DEPRECATED, LOOKALIKE_NAME, AGENT_LINK, or a content-scan code (PIPE_TO_SHELL, BIDI_CONTROL, …). */
  code: string;
  bundle?: string;
  version?: string;
  message: string;
  /** For content warnings: the file inside the bundle and the line. */
  path?: string;
  line?: number;
}

/**
 * The content-scan findings of a stored bundle (computed by this CLI from the bytes, not taken
 * from the registry), as install warnings.
 */
export function contentWarnings(entry: StoreEntry): InstallWarning[] {
  return entry.index.warnings.map((w) => ({
    code: w.code,
    bundle: entry.index.name,
    version: entry.index.version,
    message: w.message,
    path: w.path,
    line: w.line,
  }));
}

/** One line for people: `warning: deploy@1.0.0 SKILL.md:3 PIPE_TO_SHELL: …`. */
export function formatWarning(w: InstallWarning): string {
  const where = w.path ? ` ${w.path}${w.line ? `:${w.line}` : ''}` : '';
  const who = w.bundle ? ` ${w.bundle}${w.version ? `@${w.version}` : ''}` : '';
  return `warning:${who}${where} ${w.code}: ${sanitizeRemoteText(w.message, 300)}`;
}

/**
 * What a bundle asks for, on one line, or undefined when it asks for nothing:
 * `network api.vercel.com; exec vercel; env VERCEL_TOKEN`.
 */
export function formatCapabilities(caps: Capabilities): string | undefined {
  const parts = CAPABILITY_KINDS.filter((k) => (caps[k] ?? []).length > 0).map(
    (k) => `${k} ${(caps[k] ?? []).map((v) => sanitizeRemoteText(v, 100)).join(', ')}`,
  );
  return parts.length ? parts.join('; ') : undefined;
}

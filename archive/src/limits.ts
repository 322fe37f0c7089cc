const MiB = 1024 * 1024;

/** Caps applied while reading an archive (docs/security.md rows 4 and 5). */
export interface ArchiveLimits {
  /** Bytes of gzip read from the input before giving up. */
  maxCompressedBytes: number;
  /** Bytes after gunzip, counted as they stream (headers and padding included), never taken from headers. */
  maxUnpackedBytes: number;
  /** Tar entries, directories and pax headers included. */
  maxEntries: number;
  /** Bytes of one file. */
  maxFileBytes: number;
  /** Characters of a path inside the bundle, after the root folder is stripped. */
  maxPathLength: number;
  /** Segments of a path inside the bundle (`a/b/c.md` is 3). */
  maxPathDepth: number;
  /** Unpacked bytes per compressed byte; checked only once more than `RATIO_GRACE_BYTES` are unpacked. */
  maxRatio: number;
}

/** Below this many unpacked bytes the ratio is not checked: small text bundles compress very well. */
export const RATIO_GRACE_BYTES = 1 * MiB;

/**
 * The defaults, generous for a folder of Markdown and scripts:
 * - `maxCompressedBytes` 10 MiB: what a registry accepts as an upload body.
 * - `maxUnpackedBytes` 50 MiB: all files together, tar headers included.
 * - `maxEntries` 2000: files, directories and pax headers.
 * - `maxFileBytes` 10 MiB: one file.
 * - `maxPathLength` 240 characters: fits Windows' 260 with room for the install folder.
 * - `maxPathDepth` 16 segments.
 * - `maxRatio` 200: unpacked/compressed, once more than 1 MiB is unpacked (gzip of text reaches ~10).
 */
export const DEFAULT_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxCompressedBytes: 10 * MiB,
  maxUnpackedBytes: 50 * MiB,
  maxEntries: 2000,
  maxFileBytes: 10 * MiB,
  maxPathLength: 240,
  maxPathDepth: 16,
  maxRatio: 200,
});

/**
 * Fills the unset fields of `partial` from DEFAULT_LIMITS.
 * @example resolveLimits({ maxEntries: 100 }).maxFileBytes // 10485760
 */
export function resolveLimits(partial: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const out: ArchiveLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(out) as (keyof ArchiveLimits)[]) {
    const v = partial[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

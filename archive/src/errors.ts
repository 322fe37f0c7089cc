/** Why an archive, or a file about to be written from one, was refused. A closed set. */
export type ArchiveErrorCode =
  | 'PATH_TRAVERSAL'
  | 'ABSOLUTE_PATH'
  | 'BACKSLASH_PATH'
  | 'LINK_ENTRY'
  | 'SPECIAL_ENTRY'
  | 'NAME_COLLISION'
  | 'PATH_TOO_LONG'
  | 'PATH_TOO_DEEP'
  | 'TOO_MANY_ENTRIES'
  | 'FILE_TOO_LARGE'
  | 'UNPACKED_TOO_LARGE'
  | 'COMPRESSED_TOO_LARGE'
  | 'RATIO_EXCEEDED'
  | 'CORRUPT_GZIP'
  | 'CORRUPT_TAR'
  | 'MULTIPLE_ROOTS'
  | 'EMPTY_ARCHIVE'
  | 'INVALID_PATH'
  /** `writeFilesSafely`: the destination exists and is not an empty folder. */
  | 'DEST_NOT_EMPTY';

/**
 * A refused archive or path. `code` is stable for scripts; `entry` is the offending entry name
 * (as found in the archive, control characters escaped) when there is one.
 * @example
 * try { await readArchive(buf) } catch (e) { if (e instanceof ArchiveError && e.code === 'PATH_TRAVERSAL') … }
 */
export class ArchiveError extends Error {
  readonly code: ArchiveErrorCode;
  readonly entry?: string;
  /** The message without the entry name in front. */
  readonly reason: string;

  constructor(code: ArchiveErrorCode, message: string, entry?: string) {
    super(entry === undefined ? message : `${printable(entry)}: ${message}`);
    this.name = 'ArchiveError';
    this.code = code;
    this.reason = message;
    if (entry !== undefined) this.entry = printable(entry);
  }
}

const INVISIBLE_OR_CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|[\u{E0000}-\u{E007F}]/gu;

/** Escapes control characters and caps the length, so a hostile name cannot forge output. */
export function printable(name: string): string {
  const escaped = name.replace(INVISIBLE_OR_CONTROL, (c) =>
    c === '\u0000' ? '\\0' : `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
  return escaped.length > 300 ? `${escaped.slice(0, 300)}…` : escaped;
}

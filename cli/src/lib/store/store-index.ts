import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The narrow entry point: the whole archive module (yaml, the tar code) loads only when a tarball is unpacked.
import { skillFiles as filesOfSkill } from '@skills/archive/skill-files';
import type { Capabilities, ContentWarning } from '@skills/schemas';

/** One file of a stored bundle: its path inside the bundle, hash, size and mode. */
export interface IndexedFile {
  path: string;
  /** `sha512-…` of the file's bytes. */
  integrity: string;
  size: number;
  executable: boolean;
}

/**
 * `store/<hex>/index.json`: what the CLI learnt from the bytes themselves when it stored them,
 * never from registry metadata. Install copies skills from it; verify compares against it.
 */
export interface StoreIndex {
  storeIndexVersion: 1;
  name: string;
  version: string;
  /** The tarball's `sha512-…`, whose hex is the entry's folder name. */
  integrity: string;
  /** Each skill and its folder inside the bundle (`.` or `skills/NAME`). */
  skills: { name: string; path: string; allowedTools?: string | undefined }[];
  capabilities: Capabilities;
  /** The content scan of this CLI over the bundle's text files. */
  warnings: ContentWarning[];
  files: IndexedFile[];
}

/** The entry's file name inside `store/<hex>/`. */
export const INDEX_FILE = 'index.json';
/** The folder inside `store/<hex>/` holding the bundle's files. */
export const PACKAGE_DIR = 'package';

/**
 * The empty file inside `store/<hex>/` whose mtime is when the entry's files last passed a full
 * check; a file whose ctime is older has not changed since.
 */
export const VERIFIED_FILE = 'verified';

/** The mode every stored file has (and every installed copy keeps): 0755 when executable, else 0644. */
export function fileMode(f: Pick<IndexedFile, 'executable'>): number {
  return f.executable ? 0o755 : 0o644;
}

/** `sha512-<base64>` of some bytes. */
export function sha512Integrity(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/**
 * The store folder name for an integrity: the hex of its sha512 digest (128 characters).
 * @example integrityHex('sha512-AAAA…==') // '0000…'
 */
export function integrityHex(integrity: string): string {
  return Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
}

/**
 * The files of one skill of a stored bundle, with their paths relative to the skill folder
 * (`skillFiles` of `@skills/archive`: the whole bundle for `.`, `skills/NAME/…` otherwise).
 * @example skillFiles(index, 'skills/lint') // [{ path: 'SKILL.md', … }]
 */
export function skillFiles(index: StoreIndex, skillPath: string): IndexedFile[] {
  return filesOfSkill(index.files, skillPath);
}

/**
 * Reads `store/<hex>/index.json`; undefined when missing or unreadable (the entry is then redone).
 * Synchronous: a small local file, read faster than a thread-pool round trip.
 */
export async function readStoreIndex(entryDir: string): Promise<StoreIndex | undefined> {
  try {
    const data = JSON.parse(readFileSync(join(entryDir, INDEX_FILE), 'utf8')) as StoreIndex;
    if (data.storeIndexVersion !== 1 || !Array.isArray(data.files) || !Array.isArray(data.skills))
      return undefined;
    return data;
  } catch {
    return undefined;
  }
}

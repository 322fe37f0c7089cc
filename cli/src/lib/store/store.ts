import { randomBytes } from 'node:crypto';
import { type BigIntStats, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleFile } from '@skills/archive';
import { SkillsError } from '../errors.ts';
import {
  fileMode,
  INDEX_FILE,
  type IndexedFile,
  integrityHex,
  PACKAGE_DIR,
  readStoreIndex,
  type StoreIndex,
  sha512Integrity,
  VERIFIED_FILE,
} from './store-index.ts';

/** A bundle version in the content-addressed store: `store/<sha512-hex>/{package/, index.json}`. */
export interface StoreEntry {
  dir: string;
  /** The bundle's files, as extracted. */
  packageDir: string;
  index: StoreIndex;
}

/** What the store is asked to hold: one resolved (or locked) bundle version. */
export interface StoreRequest {
  name: string;
  version: string;
  integrity: string;
  /** The tarball URL. */
  resolved: string;
  /** The skill names the registry said this version installs; the archive must agree. */
  skills?: readonly string[] | undefined;
}

/** How the store gets and checks bytes; injected so tests need no registry. */
export interface StoreDeps {
  /** `$XDG_CACHE_HOME/skills/store`. */
  storeDir: string;
  fetchTarball(url: string, opts: { integrity: string }): Promise<Buffer>;
  /** Throws unless the registry's signature over `NAME@VER:INTEGRITY` verifies (or the registry does not sign). */
  verifySignature(req: StoreRequest): Promise<void>;
}

/**
 * The store folder of the CLI: `<cacheDir>/store`.
 * @example storeDirOf(skillsPaths(env).cacheDir)
 */
export function storeDirOf(cacheDir: string): string {
  return join(cacheDir, 'store');
}

let archive: Promise<typeof import('@skills/archive')> | undefined;
/**
 * `@skills/archive` (and the YAML parser behind it), loaded on first use: an install whose
 * bundles are all in the store never needs it. Call it early to load it while waiting on the
 * network.
 */
export function loadArchive(): Promise<typeof import('@skills/archive')> {
  archive ??= import('@skills/archive');
  return archive;
}

/**
 * The entry for an integrity when it is in the store and complete; undefined otherwise.
 * @example const entry = await findInStore(storeDir, lock.bundles.x.integrity)
 */
export async function findInStore(storeDir: string, integrity: string): Promise<StoreEntry | undefined> {
  const dir = join(storeDir, integrityHex(integrity));
  const index = await readStoreIndex(dir);
  if (!index || index.integrity !== integrity) return undefined;
  return { dir, packageDir: join(dir, PACKAGE_DIR), index };
}

/**
 * Makes sure a bundle version is in the store, and returns its entry. Fails closed, writing
 * nothing, unless every check passes in this order: the signature over `NAME@VER:INTEGRITY`,
 * the tarball's sha512 against `integrity`, every archive rule of `readArchive` (traversal,
 * links, devices, collisions, bombs), the manifest inside naming exactly `NAME@VER` and the
 * skills the registry announced, no `error` problem. Only then are files written, into a temp
 * folder in the store that is renamed into place; when another process wins that race, its
 * entry is used. Throws SIGNATURE_*, INTEGRITY_MISMATCH, ARCHIVE_REFUSED, MANIFEST_MISMATCH,
 * BUNDLE_INVALID. An entry already stored is used only while every file still matches its
 * index; one changed on disk is discarded and fetched again.
 * @example const entry = await ensureInStore(deps, { name, version, integrity, resolved })
 */
export async function ensureInStore(deps: StoreDeps, req: StoreRequest): Promise<StoreEntry> {
  await deps.verifySignature(req);
  const found = await findInStore(deps.storeDir, req.integrity);
  if (found) {
    checkSameBundle(found.index, req);
    if (await entryIsIntact(found)) return found;
    await discardEntry(found.dir); // changed on disk since it was stored: fetch it again
  }
  const loading = loadArchive(); // loads while the tarball downloads
  loading.catch(() => {});
  const tarball = await deps.fetchTarball(req.resolved, { integrity: req.integrity });
  const actual = sha512Integrity(tarball);
  if (actual !== req.integrity) {
    throw new SkillsError(
      'INTEGRITY_MISMATCH',
      `${req.name}@${req.version}: the tarball does not match its integrity`,
      {
        hint: 'the registry or a mirror served other bytes than were published; nothing was written',
        details: { bundle: req.name, version: req.version, expected: req.integrity, actual },
      },
    );
  }
  const lib = await loading;
  const files = await readFiles(lib, tarball, req);
  return writeEntry(lib, deps.storeDir, indexOf(lib, files, req), files);
}

/** Checks the files read from the archive against the request; nothing touches the disk here. */
function indexOf(lib: typeof import('@skills/archive'), files: BundleFile[], req: StoreRequest): StoreIndex {
  const inspection = lib.inspectBundle(files);
  const label = `${req.name}@${req.version}`;
  const manifest = inspection.manifest;
  if (!manifest || manifest.name !== req.name || manifest.version !== req.version) {
    const found = manifest ? `${manifest.name}@${manifest.version}` : 'no valid manifest';
    throw new SkillsError('MANIFEST_MISMATCH', `${label}: the archive holds ${printable(found)}`, {
      hint: 'the registry metadata disagrees with the archive (manifest confusion); nothing was written',
    });
  }
  const errors = inspection.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new SkillsError(
      'BUNDLE_INVALID',
      `${label}: ${printable(errors[0]!.path)}: ${printable(errors[0]!.message)}`,
      {
        hint: `${errors.length} problem(s); the bundle was not installed`,
      },
    );
  }
  const skills = inspection.skills.map((s) => ({
    name: s.name,
    path: s.path,
    allowedTools: s.frontmatter['allowed-tools'],
  }));
  const announced = req.skills ? [...req.skills].sort().join(',') : undefined;
  if (
    announced !== undefined &&
    announced !==
      skills
        .map((s) => s.name)
        .sort()
        .join(',')
  ) {
    throw new SkillsError(
      'MANIFEST_MISMATCH',
      `${label}: the archive's skills differ from what the registry announced`,
      {
        hint: 'the registry metadata disagrees with the archive (manifest confusion); nothing was written',
      },
    );
  }
  return {
    storeIndexVersion: 1,
    name: req.name,
    version: req.version,
    integrity: req.integrity,
    skills,
    capabilities: inspection.capabilities,
    warnings: inspection.warnings,
    files: files.map((f) => ({
      path: f.path,
      integrity: sha512Integrity(f.data),
      size: f.data.length,
      executable: f.executable,
    })),
  };
}

async function readFiles(
  lib: typeof import('@skills/archive'),
  tarball: Buffer,
  req: StoreRequest,
): Promise<BundleFile[]> {
  try {
    return (await lib.readArchive(tarball)).files;
  } catch (err) {
    if (err instanceof lib.ArchiveError) {
      throw new SkillsError('ARCHIVE_REFUSED', `${req.name}@${req.version}: ${err.message}`, {
        hint: 'the archive breaks a safety rule; nothing was written',
        details: { bundle: req.name, version: req.version, reason: err.code },
        cause: err,
      });
    }
    throw err;
  }
}

/** Writes files and index into a temp folder of the store, then renames it into place. */
async function writeEntry(
  lib: typeof import('@skills/archive'),
  storeDir: string,
  index: StoreIndex,
  files: BundleFile[],
): Promise<StoreEntry> {
  await mkdir(storeDir, { recursive: true });
  const final = join(storeDir, integrityHex(index.integrity));
  const tmp = await mkdtemp(join(storeDir, '.tmp-'));
  try {
    const packageDir = join(tmp, PACKAGE_DIR);
    await mkdir(packageDir);
    await lib.writeFilesSafely(files, packageDir);
    await writeFile(join(tmp, INDEX_FILE), `${JSON.stringify(index)}\n`, { flag: 'wx' });
    await placeEntry(tmp, final);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const entry = await findInStore(storeDir, index.integrity);
  if (!entry) throw new Error(`store entry ${final} vanished after it was written`);
  return entry;
}

/** Renames a finished temp entry into place; a complete entry already there (a racing install) wins. */
async function placeEntry(tmp: string, final: string): Promise<void> {
  try {
    await rename(tmp, final);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw err;
  }
  if (await readStoreIndex(final)) return;
  // An incomplete folder (someone deleted files by hand): move it aside and take its place.
  await discardEntry(final);
  await rename(tmp, final).catch(async (err: NodeJS.ErrnoException) => {
    if (!(await readStoreIndex(final))) throw err;
  });
}

/**
 * True when every file of the entry still has the size, mode and hash its index records. A file
 * is hashed again only when it changed since the last full check (its ctime is not older than
 * the entry's `verified` marker, which is written before that check reads anything and kept
 * only when it passes; ctime cannot be set back by a program). So a warm install reads only
 * `lstat` for files nothing touched, as pnpm trusts its store by mtime (docs/formats.md).
 */
async function entryIsIntact(entry: StoreEntry): Promise<boolean> {
  const marker = join(entry.dir, VERIFIED_FILE);
  const checked = lstatOrNone(marker);
  const checkedBefore = checked?.isFile() ? checked.mtimeNs : undefined;
  const unchecked: IndexedFile[] = [];
  // Synchronous, like the copy that follows: a few stats of local files.
  for (const f of entry.index.files) {
    const s = lstatOrNone(join(entry.packageDir, f.path));
    if (!s?.isFile() || s.size !== BigInt(f.size) || (Number(s.mode) & 0o7777) !== fileMode(f)) return false;
    if (checkedBefore === undefined || s.ctimeNs >= checkedBefore) unchecked.push(f);
  }
  if (unchecked.length === 0) return true;
  // The new marker's time is taken before any file is read: a change while or after they are
  // read gives that file a ctime at or past it, and the next install hashes it again.
  const pending = join(entry.dir, `.${VERIFIED_FILE}-${process.pid}-${randomBytes(4).toString('hex')}`);
  const marked = await writeFile(pending, '', { flag: 'wx' }).then(
    () => true,
    () => false, // a read-only store: check every time
  );
  let intact = true;
  for (const f of unchecked) {
    const path = join(entry.packageDir, f.path);
    const data = await readFile(path).catch(() => undefined);
    if (!data || sha512Integrity(data) !== f.integrity) {
      intact = false;
      break;
    }
  }
  if (marked) {
    if (intact) await rename(pending, marker).catch(() => rm(pending, { force: true }));
    else await rm(pending, { force: true });
  }
  return intact;
}

function lstatOrNone(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES, …: as good as missing
  }
}

async function discardEntry(dir: string): Promise<void> {
  const aside = `${dir}.broken-${process.pid}-${Date.now()}`;
  await rename(dir, aside).catch(() => {});
  await rm(aside, { recursive: true, force: true });
}

function checkSameBundle(index: StoreIndex, req: StoreRequest): void {
  if (index.name !== req.name || index.version !== req.version) {
    throw new SkillsError(
      'MANIFEST_MISMATCH',
      `${req.name}@${req.version} has the integrity of ${index.name}@${index.version}`,
      { hint: 'the registry metadata disagrees with the archive (manifest confusion)' },
    );
  }
}

/**
 * Removes temp folders that crashed installs left in the store (older than an hour, so a
 * running install's folder is never touched).
 */
export async function sweepStore(storeDir: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(storeDir);
  } catch {
    return;
  }
  for (const n of names.filter((x) => x.startsWith('.tmp-') || x.includes('.broken-'))) {
    const s = await stat(join(storeDir, n)).catch(() => undefined);
    if (s && now - s.mtimeMs > 3_600_000) await rm(join(storeDir, n), { recursive: true, force: true });
  }
}

function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BundleFile, BundleInspection } from '@skills/archive';
import { type BundleManifest, bundleManifestSchema, type VersionDocument } from '@skills/schemas';
import { bareSkill } from '../authoring/bare-skill.ts';
import { SkillsError } from '../errors.ts';
import type { SourceSpec } from '../resolve/source-spec.ts';
import { findInStore, loadArchive } from '../store/store.ts';
import { sha512Integrity } from '../store/store-index.ts';

/** The version a skill folder without one (no skill.json, no `metadata.version`) installs as. */
export const UNVERSIONED = '0.0.0';

/** A bundle from a folder, a `.tgz` or a git commit: what the resolver and the lockfile need. */
export interface SourcedBundle {
  name: string;
  version: string;
  /** What the lockfile records: `file:PATH` or `git+URL#SHA`. */
  resolved: string;
  integrity: string;
  /** The registry-document form the resolver and the lockfile read. */
  document: VersionDocument;
}

/** A source read now: the bundle and its tarball. */
export interface Materialized extends SourcedBundle {
  tarball: Buffer;
}

/**
 * A locked git commit as the store holds it (its bytes are checked again when installed): the
 * resolver needs only the manifest's dependencies and the skills. Undefined when the store lacks
 * it or it has no skill.json to read them from.
 */
export async function fromStore(
  storeDir: string,
  resolved: string,
  integrity: string,
): Promise<SourcedBundle | undefined> {
  const entry = await findInStore(storeDir, integrity);
  if (!entry) return undefined;
  const text = await readFile(join(entry.packageDir, 'skill.json'), 'utf8').catch(() => undefined);
  let raw: unknown;
  try {
    raw = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
  const manifest = bundleManifestSchema.safeParse(raw);
  if (
    !manifest.success ||
    manifest.data.name !== entry.index.name ||
    manifest.data.version !== entry.index.version
  )
    return undefined;
  const { index } = entry;
  const document: VersionDocument = {
    name: index.name,
    version: index.version,
    description: manifest.data.description ?? '',
    keywords: [],
    integrity,
    tarball: resolved,
    size: 0,
    fileCount: index.files.length,
    dependencies: manifest.data.dependencies ?? {},
    skills: index.skills.map((s) => ({ name: s.name, description: '', path: s.path })),
    pipelines: [],
    capabilities: index.capabilities,
    publishedAt: '',
    warnings: index.warnings,
  };
  return { name: index.name, version: index.version, resolved, integrity, document };
}

/**
 * Reads a source now: a `file:` folder packed (through `skills pack`'s code), a `file:` `.tgz`
 * read under the archive rules, a git ref checked out into a temp folder (removed after) and
 * packed. Throws NOT_FOUND, the pack errors (INVALID_BUNDLE, LINK_ENTRY, …), ARCHIVE_REFUSED,
 * BUNDLE_INVALID or GIT_FAILED.
 */
export async function materialize(
  spec: SourceSpec,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Materialized> {
  if (spec.kind === 'file') {
    const info = await stat(spec.path).catch(() => undefined);
    if (!info) {
      throw new SkillsError('NOT_FOUND', `${spec.spec}: ${spec.path} does not exist`, {
        hint: 'file: paths are relative to the folder of skills.json',
      });
    }
    if (info.isFile() && basename(spec.path) !== 'SKILL.md') return readTarball(spec.spec, spec.path);
    return packFolder(spec.spec, info.isFile() ? join(spec.path, '..') : spec.path);
  }
  const into = await mkdtemp(join(tmpdir(), 'skills-git-'));
  try {
    // Loaded here: child_process (and the archive, below) only for a source that needs them.
    const { gitCheckout } = await import('./git-checkout.ts');
    const { dir, commit } = await gitCheckout({ url: spec.url, ref: spec.ref, into, env });
    return await packFolder(`git+${spec.url}#${commit}`, dir);
  } finally {
    await rm(into, { recursive: true, force: true });
  }
}

/** A folder packed as `skills pack` packs it; a skill folder without a version as UNVERSIONED. */
async function packFolder(resolved: string, dir: string): Promise<Materialized> {
  const { validateDirectory } = await loadArchive();
  const bare = bareSkill(await validateDirectory(dir)) !== undefined;
  const { loadBundle } = await import('../authoring/bundle-source.ts');
  const packed = await loadBundle(dir, dir, bare ? { version: UNVERSIONED } : {});
  return sourced(resolved, packed.tarball, packed);
}

/** A packed bundle, read under every archive rule a registry download meets. */
async function readTarball(resolved: string, path: string): Promise<Materialized> {
  const lib = await loadArchive();
  const tarball = await readFile(path);
  let files: BundleFile[];
  try {
    files = (await lib.readArchive(tarball)).files;
  } catch (err) {
    if (err instanceof lib.ArchiveError) {
      throw new SkillsError('ARCHIVE_REFUSED', `${resolved}: ${err.message}`, {
        hint: 'the archive breaks a safety rule; nothing was written',
        details: { source: resolved, reason: err.code },
        cause: err,
      });
    }
    throw err;
  }
  const inspection = lib.inspectBundle(files);
  const errors = inspection.problems.filter((p) => p.severity === 'error');
  if (!inspection.manifest || errors.length > 0) {
    const first = errors[0];
    throw new SkillsError(
      'BUNDLE_INVALID',
      `${resolved}: ${first ? `${first.path}: ${first.message}` : 'no valid manifest'}`.replace(
        /[^\x20-\x7e]/g,
        '?',
      ),
      {
        hint: `${errors.length} problem(s); run \`skills validate\` on the unpacked folder. Nothing was written`,
      },
    );
  }
  return sourced(resolved, tarball, { manifest: inspection.manifest, files, inspection });
}

function sourced(
  resolved: string,
  tarball: Buffer,
  b: { manifest: BundleManifest; files: BundleFile[]; inspection: BundleInspection },
): Materialized {
  const { manifest, inspection } = b;
  const integrity = sha512Integrity(tarball);
  const document: VersionDocument = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description ?? '',
    keywords: [],
    integrity,
    tarball: resolved,
    size: tarball.length,
    fileCount: b.files.length,
    dependencies: manifest.dependencies ?? {},
    skills: inspection.skills.map((s) => ({
      name: s.name,
      description: s.frontmatter.description,
      path: s.path,
    })),
    pipelines: [],
    capabilities: inspection.capabilities,
    publishedAt: '',
    warnings: inspection.warnings,
  };
  return { name: manifest.name, version: manifest.version, resolved, integrity, tarball, document };
}

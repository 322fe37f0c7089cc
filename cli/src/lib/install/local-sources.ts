import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BundleFile, BundleInspection } from '@skills/archive';
import {
  type BundleDocument,
  type BundleManifest,
  bundleManifestSchema,
  type Lockfile,
  type VersionDocument,
} from '@skills/schemas';
import { bareSkill } from '../authoring/bare-skill.ts';
import { loadBundle } from '../authoring/bundle-source.ts';
import { SkillsError } from '../errors.ts';
import { LOCKFILE_NAME } from '../project/lockfile.ts';
import { isSourceResolved, isSourceSpec, parseSourceSpec, type SourceSpec } from '../resolve/source-spec.ts';
import { findInStore, loadArchive } from '../store/store.ts';
import { sha512Integrity } from '../store/store-index.ts';
import { gitCheckout } from './git-checkout.ts';
import type { InstallSource } from './source.ts';

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
interface Materialized extends SourcedBundle {
  tarball: Buffer;
}

/** Bundles from sources other than a registry, read once per run. */
export interface LocalSources {
  /**
   * The bundle a skills.json source spec gives: the folder packed as `skills pack` packs it (a
   * skill folder without a version as UNVERSIONED), the `.tgz` as it is, the git ref (or
   * `commit`, when given) checked out and packed; a git commit whose `integrity` the store holds
   * with its skill.json is read from the store, not fetched. Remembered by name for `getBundle`.
   */
  fromSpec(
    spec: string,
    opts?: { commit?: string | undefined; integrity?: string | undefined },
  ): Promise<SourcedBundle>;
  /** The tarball a lockfile `resolved` names; INTEGRITY_MISMATCH naming the source when it is not `integrity`. */
  tarballFor(name: string, resolved: string, integrity: string): Promise<Buffer>;
  /** The document of a bundle read by `fromSpec`, by name. */
  documentOf(name: string): BundleDocument | undefined;
}

/**
 * The bundle sources other than the registry for one run. `baseDir` is the folder of skills.json
 * (`file:` paths are relative to it); `env` gives git its PATH and proxy settings only.
 * @example const local = createLocalSources({ baseDir: projectDir, env: ctx.env })
 */
export function createLocalSources(opts: {
  baseDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The store, where a locked git commit may already be. */
  storeDir?: string | undefined;
}): LocalSources {
  const read = new Map<string, Promise<Materialized>>();
  const byName = new Map<string, BundleDocument>();
  const load = (spec: string): Promise<Materialized> => {
    let got = read.get(spec);
    if (!got) {
      got = materialize(parseSourceSpec(spec, opts.baseDir), opts.env);
      got.catch(() => {});
      read.set(spec, got);
    }
    return got;
  };
  return {
    async fromSpec(spec, o = {}) {
      const parsed = parseSourceSpec(spec, opts.baseDir);
      const pinned = parsed.kind === 'git' && o.commit ? `git+${parsed.url}#${o.commit}` : undefined;
      const stored =
        pinned && o.integrity && opts.storeDir
          ? await fromStore(opts.storeDir, pinned, o.integrity)
          : undefined;
      const b = stored ?? (await load(pinned ?? spec));
      if (!stored && parsed.kind === 'git') read.set(b.resolved, Promise.resolve(b as Materialized));
      byName.set(b.name, documentFor(b));
      return b;
    },
    async tarballFor(name, resolved, integrity) {
      const b = await load(resolved);
      if (b.integrity !== integrity) {
        throw new SkillsError(
          'INTEGRITY_MISMATCH',
          `${name}: ${resolved} no longer matches ${LOCKFILE_NAME} (locked ${integrity}, now ${b.integrity})`,
          {
            hint: 'the source changed since it was locked; run `skills install` to lock what it holds now (and review it), then commit the lockfile. Nothing was written',
            details: { bundle: name, source: resolved, expected: integrity, actual: b.integrity },
          },
        );
      }
      return b.tarball;
    },
    documentOf: (name) => byName.get(name),
  };
}

/**
 * A source wrapped around the registry one: bundles read by `local` are answered from it (their
 * documents, their tarballs); a lockfile `resolved` of `file:` or `git+` is fetched from its
 * source and has no registry signature to check; everything else goes to the registry.
 */
export function withLocalSources(
  source: InstallSource,
  local: LocalSources,
): InstallSource & { local: LocalSources } {
  return {
    ...source,
    local,
    getBundle: (name) => {
      const doc = local.documentOf(name);
      return doc ? Promise.resolve(doc) : source.getBundle(name);
    },
    fetchTarball: (name, url, o) =>
      isSourceResolved(url) ? local.tarballFor(name, url, o.integrity) : source.fetchTarball(name, url, o),
    verifySignature: (b) =>
      b.resolved !== undefined && isSourceResolved(b.resolved)
        ? Promise.resolve()
        : source.verifySignature(b),
  };
}

/**
 * skills.json's dependencies for the resolver: each source spec replaced by the exact version it
 * holds now. A git source keeps its locked commit while its spec is unchanged and it is not in
 * `unlock`; folders and tarballs are always read again. Throws MANIFEST_MISMATCH when the bundle
 * is not the name skills.json gives it.
 * @example const roots = await sourceRoots(project.manifest.dependencies, local, { previous, unlock })
 */
export async function sourceRoots(
  dependencies: Record<string, string>,
  local: LocalSources,
  opts: { previous: Lockfile; unlock: ReadonlySet<string> | 'all' },
): Promise<Record<string, string>> {
  const roots = { ...dependencies };
  const sourced = Object.entries(dependencies).filter(([, spec]) => isSourceSpec(spec));
  const found = await Promise.all(
    sourced.map(([name, spec]) => {
      const locked = opts.previous.bundles[name];
      const keep =
        opts.unlock !== 'all' &&
        !opts.unlock.has(name) &&
        opts.previous.dependencies[name] === spec &&
        locked?.resolved.startsWith('git+');
      const commit = keep ? /#([0-9a-f]{40})$/.exec(locked!.resolved)?.[1] : undefined;
      return local.fromSpec(spec, { commit, integrity: commit ? locked!.integrity : undefined });
    }),
  );
  sourced.forEach(([name, spec], i) => {
    const b = found[i]!;
    if (b.name !== name) {
      throw new SkillsError(
        'MANIFEST_MISMATCH',
        `skills.json names ${name}, but ${spec} holds the bundle ${b.name}@${b.version}`,
        { hint: `rename the dependency to ${b.name} in skills.json (or run \`skills install ${spec}\`)` },
      );
    }
    roots[name] = b.version;
  });
  return roots;
}

/**
 * Every `file:` bundle of the lockfile read again and checked against its locked integrity,
 * store or not: a folder or tarball that changed after locking stops the install.
 */
export async function checkFileSources(lock: Lockfile, local: LocalSources): Promise<void> {
  await Promise.all(
    Object.entries(lock.bundles)
      .filter(([, b]) => b.resolved.startsWith('file:'))
      .map(([name, b]) => local.tarballFor(name, b.resolved, b.integrity)),
  );
}

/**
 * A locked git commit as the store holds it (its bytes are checked again when installed): the
 * resolver needs only the manifest's dependencies and the skills. Undefined when the store lacks
 * it or it has no skill.json to read them from.
 */
async function fromStore(
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

async function materialize(
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

function documentFor(b: SourcedBundle): BundleDocument {
  return {
    name: b.name,
    description: b.document.description,
    keywords: [],
    distTags: { latest: b.version },
    versions: { [b.version]: b.document },
    owners: [],
    downloads: 0,
  };
}

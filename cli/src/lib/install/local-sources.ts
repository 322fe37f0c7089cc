import type { BundleDocument, Lockfile } from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import { LOCKFILE_NAME } from '../project/lockfile.ts';
import { isSourceResolved, isSourceSpec, parseSourceSpec } from '../resolve/source-spec.ts';
import { fromStore, type Materialized, materialize, type SourcedBundle } from './read-source.ts';
import type { InstallSource } from './source.ts';

export type { SourcedBundle } from './read-source.ts';

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

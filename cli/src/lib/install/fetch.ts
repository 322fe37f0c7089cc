import type { Lockfile } from '@skills/schemas';
import { mapLimit } from '../parallel.ts';
import type { ProjectFile } from '../project/project.ts';
import { LITTLE_USED, type LookAlike, lookAlikes } from '../registry/typosquat.ts';
import { isSourceSpec } from '../resolve/source-spec.ts';
import { ensureInStore, type StoreEntry } from '../store/store.ts';
import type { InstallDeps } from './install.ts';
import type { BundleChange } from './plan.ts';
import type { InstallSource } from './source.ts';

/** A new dependency whose name looks like a popular bundle's. */
export interface LookAlikeHit {
  name: string;
  downloads: number;
  other: LookAlike;
}

/**
 * Fetches every bundle of `lock`, and the versions `changes` replace, into the store. With
 * `checkNames`, the look-alike searches run while the tarballs download, not before them: they
 * start once the store work is under way (a tarball requested or a stored entry found), and not
 * at all when fetching fails. Everything settles before an error is thrown, so nothing keeps
 * working behind the caller's back.
 * @example const { entries } = await fetchBundles(deps, source, { previous, lock, changes, project, checkNames: true })
 */
export async function fetchBundles(
  deps: InstallDeps,
  source: InstallSource,
  opts: {
    previous: Lockfile;
    lock: Lockfile;
    changes: BundleChange[];
    project: ProjectFile;
    checkNames: boolean;
  },
): Promise<{
  entries: Map<string, StoreEntry>;
  previousEntries: Map<string, StoreEntry>;
  lookAlikeHits: LookAlikeHit[];
}> {
  const replaced = opts.changes.filter((c) => c.from !== null).map((c) => c.name);
  let started!: () => void;
  const underWay = new Promise<void>((resolve) => {
    started = resolve;
  });
  const fetching = Promise.allSettled([
    fetchAll(deps, source, opts.lock, undefined, started, deps.progress),
    fetchAll(deps, source, opts.previous, new Set(replaced), started),
  ]);
  let fetchFailed = false;
  void fetching.then((all) => {
    fetchFailed = all.some((r) => r.status === 'rejected');
    started();
  });
  const similar = opts.checkNames
    ? underWay.then(() => (fetchFailed ? [] : findLookAlikes(source, opts.previous, opts.project)))
    : Promise.resolve([]);
  const [fetched, lookAlikeHits] = await Promise.all([fetching, similar]);
  const failed = fetched.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [entries, previousEntries] = fetched.map(
    (r) => (r as PromiseFulfilledResult<Map<string, StoreEntry>>).value,
  ) as [Map<string, StoreEntry>, Map<string, StoreEntry>];
  return { entries, previousEntries, lookAlikeHits };
}

/** Tarballs fetched at once over the client's keep-alive connections. */
const TARBALL_FETCHES = 16;

/** Fetches the bundles of `lock` (or only `only` of them) into the store, in parallel. */
async function fetchAll(
  deps: InstallDeps,
  source: InstallSource,
  lock: Lockfile,
  only?: ReadonlySet<string>,
  /** Called when a tarball is requested or a stored entry is returned. */
  onProgress?: () => void,
  /** Told each bundle as it is ready: `n of m: NAME@VER` (downloaded, or found in the store). */
  report?: (line: string) => void,
): Promise<Map<string, StoreEntry>> {
  const names = Object.keys(lock.bundles)
    .filter((n) => !only || only.has(n))
    .sort();
  let done = 0;
  // Each bundle is checked and unpacked as soon as its tarball is in, while the others download.
  const entries = await mapLimit(names, deps.concurrency ?? TARBALL_FETCHES, async (name) => {
    const b = lock.bundles[name]!;
    let downloaded = false;
    const req = { name, version: b.version, integrity: b.integrity, resolved: b.resolved, skills: b.skills };
    const entry = await ensureInStore(
      {
        storeDir: deps.storeDir,
        fetchTarball: (url, o) => {
          downloaded = true;
          report?.(`fetching ${name}@${b.version}…`);
          const got = source.fetchTarball(name, url, o);
          onProgress?.();
          return got;
        },
        verifySignature: () => source.verifySignature({ ...req, signature: b.signature }),
      },
      req,
    );
    onProgress?.();
    done += 1;
    report?.(`${done} of ${names.length}: ${name}@${b.version}${downloaded ? '' : ' (from the store)'}`);
    return entry;
  });
  return new Map(names.map((n, i) => [n, entries[i]!]));
}

/** Searches run at once for the look-alike check. */
const SEARCHES = 8;

/**
 * The popular bundles that the dependencies new to skills.json look like, in skills.json order.
 * Only new, little-used names are checked: a bundle already in the lockfile, or one with
 * LITTLE_USED downloads or more, costs no search. Never rejects (a failed search finds nothing).
 */
async function findLookAlikes(
  source: InstallSource,
  previous: Lockfile,
  project: ProjectFile,
): Promise<LookAlikeHit[]> {
  const names = Object.entries(project.manifest.dependencies)
    .filter(([n, spec]) => !(n in previous.dependencies) && !(n in previous.bundles) && !isSourceSpec(spec))
    .map(([n]) => n);
  const found = await mapLimit(names, SEARCHES, async (name) => {
    const doc = await source.getBundle(name).catch(() => undefined);
    if (!doc || doc.downloads >= LITTLE_USED) return [];
    const hits = await source.search(name, name).catch(() => undefined);
    return lookAlikes(doc, hits?.results ?? []).map((other) => ({ name, downloads: doc.downloads, other }));
  });
  return found.flat();
}

import { readdir } from 'node:fs/promises';
import { type Lockfile, MAX_DOCUMENTS_PER_REQUEST } from '@skills/schemas';
import { emptyLockfile, readLockfile, serializeLockfile } from '../project/lockfile.ts';
import {
  newProjectFile,
  type ProjectFile,
  readProjectFile,
  serializeProjectFile,
  withAgents,
} from '../project/project.ts';
import { resolveTree } from '../resolve/resolver.ts';
import { loadArchive, type StoreEntry } from '../store/store.ts';
import type { AgentLayout } from './agent-table.ts';
import { type AgentLinkResult, installFolders, parseAgentList } from './agents.ts';
import { applyPlan, type TreeWork, treeWork } from './apply.ts';
import { fetchBundles } from './fetch.ts';
import { takeInstallMutex } from './install-mutex.ts';
import { findLocalEdits } from './local-edits.ts';
import {
  checkFileSources,
  createLocalSources,
  type LocalSources,
  sourceRoots,
  withLocalSources,
} from './local-sources.ts';
import {
  type BundleChange,
  checkFrozen,
  checkPinnedIntegrity,
  diffLocks,
  lockFromResolution,
  withStoredCapabilities,
} from './plan.ts';
import { contentWarnings, type InstallWarning } from './report.ts';
import { assertInsideProject } from './safe-path.ts';
import { recoverTree } from './skills-tree.ts';
import type { InstallSource } from './source.ts';

/** What to install: the lockfile as is (`frozen`), or a new resolution of skills.json after `edit`. */
export interface InstallOptions {
  /** The root `.agents/skills` and agent folders are in: the project, or the home folder (`-g`). */
  projectDir: string;
  /** Where skills.json and skills-lock.json are (default `projectDir`; `-g`: the global config folder). */
  metaDir?: string;
  /** Which agent folders to link into (default: the project's). */
  layout?: AgentLayout;
  /** Install exactly the lockfile: no resolution, no write to skills.json or the lockfile. */
  frozen?: boolean;
  /** Changes skills.json (adds or removes dependencies) before resolving; sees the current lockfile. */
  edit?: (project: ProjectFile, lock: Lockfile, source: InstallSource) => ProjectFile | Promise<ProjectFile>;
  /** Bundles whose locked version is not kept (`update`), or all of them. */
  unlock?: ReadonlySet<string> | 'all';
  /** Agents from `--agent`, added to skills.json's `agents`. */
  agents?: readonly string[];
  /** Overwrite skills with local edits. */
  force?: boolean;
  /** Bundles removed from the tree may lose local edits without `force` (uninstall). */
  allowDrop?: boolean;
  /** Sees the plan before anything is written; false stops there (update's confirmation). */
  review?: (plan: InstallPlan) => Promise<boolean>;
}

/** How install reaches the registry, the store and the person watching. */
export interface InstallDeps {
  /** The bundle source for a project (registry choice depends on its skills.json). */
  openSource(project: ProjectFile): Promise<InstallSource>;
  /** The environment git runs with for `git+` sources (only PATH and proxies are taken). */
  env?: Readonly<Record<string, string | undefined>>;
  storeDir: string;
  /** Warnings for people, printed as they come (stderr). */
  warn(line: string): void;
  progress?(line: string): void;
  /** Tarballs fetched and unpacked at once (default 16). */
  concurrency?: number;
  lockTimeoutMs?: number;
}

/** The tree about to be installed, with the store entries of the old and new versions. */
export interface InstallPlan {
  previous: Lockfile;
  lock: Lockfile;
  changes: BundleChange[];
  /** Store entries of every bundle of `lock`. */
  entries: ReadonlyMap<string, StoreEntry>;
  /** Store entries of the versions `changes` replace or remove. */
  previousEntries: ReadonlyMap<string, StoreEntry>;
}

/** What an install did. */
export interface InstallOutcome {
  /** False when `review` declined: nothing was written. */
  applied: boolean;
  /** What was found and finished or dropped of an earlier, interrupted install. */
  recovered: 'clean' | 'completed' | 'discarded';
  plan: InstallPlan;
  project: ProjectFile;
  warnings: InstallWarning[];
  links: AgentLinkResult['linked'];
  /** Skill folders written from the store (new, changed, or restored to the locked bytes). */
  written: string[];
}

/**
 * Installs a project's skills (docs/cli.md install/ci/update/uninstall): takes the project
 * lock, finishes an interrupted install, resolves (or takes the lockfile with `frozen`), fetches
 * every bundle into the store (signature, integrity and archive checks before a byte is
 * written), refuses to overwrite local edits without `force`, stages the new `.agents/skills`,
 * swaps it in, links agent folders, then writes skills-lock.json and skills.json. Nothing from a
 * bundle is executed. Throws UNSAFE_PATH before any write when `.agents`, `.agents/skills` or an
 * agent folder is a symlink that leads out of the project, and the SkillsErrors of each step;
 * on any error nothing is changed.
 * @example await runInstall(deps, { projectDir, edit: (p) => withDependencies(p, { ...p.manifest.dependencies, x: '^1.0.0' }) })
 */
export async function runInstall(deps: InstallDeps, opts: InstallOptions): Promise<InstallOutcome> {
  // The install mutex is a file in `.agents`: a `.agents` that leads elsewhere is refused first.
  await assertInsideProject(opts.projectDir, ['.agents']);
  const release = await takeInstallMutex(opts.projectDir, {
    timeoutMs: deps.lockTimeoutMs,
    onWait: (who) => deps.warn(`waiting for another install (${who}) to finish…`),
  });
  try {
    const recovered = await recoverTree(opts.projectDir, opts.metaDir ?? opts.projectDir);
    if (recovered !== 'clean') deps.progress?.(`finished what an interrupted install left (${recovered})`);
    return { ...(await install(deps, opts)), recovered };
  } finally {
    await release();
  }
}

async function install(deps: InstallDeps, opts: InstallOptions): Promise<Omit<InstallOutcome, 'recovered'>> {
  preloadArchive(deps.storeDir);
  const { existing, stored, previous, before, source, project, agents } = await readStart(deps, opts);
  const metaDir = opts.metaDir ?? opts.projectDir;
  // Every folder written into or removed from, checked before anything is fetched or written.
  await assertInsideProject(opts.projectDir, installFolders([...previous.agents, ...agents], opts.layout));
  const warnings: InstallWarning[] = [];
  const warn = (w: InstallWarning, line: string) => {
    warnings.push(w);
    deps.warn(line);
  };

  const resolved = opts.frozen
    ? checkFrozen(stored, project.manifest.dependencies)
    : await resolveLock(deps, opts, { source, previous, project, agents, warn });
  // A folder or tarball that changed after locking stops here, even when the store has its bytes.
  await checkFileSources(resolved, source.local);
  const changes = diffLocks(previous, resolved);
  deps.progress?.(`fetching ${Object.keys(resolved.bundles).length} bundle(s)…`);
  const fetched = await fetchBundles(deps, source, {
    previous,
    lock: resolved,
    changes,
    project,
    checkNames: !opts.frozen,
  });
  for (const { name, downloads, other } of fetched.lookAlikeHits) {
    warn(
      {
        code: 'LOOKALIKE_NAME',
        bundle: name,
        message: `looks like ${other.name} (${other.downloads} downloads)`,
      },
      `warning: ${name} (${downloads} downloads) looks like ${other.name} (${other.downloads} downloads); check the name before you use it`,
    );
  }
  const { entries, previousEntries } = fetched;
  // Capabilities come from each stored archive's root manifest, never from the registry's word.
  const lock = withStoredCapabilities(resolved, entries, opts.frozen === true);
  const plan: InstallPlan = { previous, lock, changes, entries, previousEntries };

  const work: TreeWork = await treeWork(opts.projectDir, plan, { frozen: opts.frozen === true });
  if (!opts.force) await refuseLocalEdits(opts, plan, work);
  for (const c of changes) {
    const entry = c.to !== null ? entries.get(c.name) : undefined;
    if (entry)
      for (const w of contentWarnings(entry))
        warn(w, `warning: ${c.name}@${c.to} ${w.path}:${w.line} ${w.code}: ${w.message}`);
  }
  if (opts.review && !(await opts.review(plan))) {
    return { applied: false, plan, project: before, warnings, links: [], written: [] };
  }

  const links = await applyPlan({
    projectDir: opts.projectDir,
    metaDir,
    layout: opts.layout,
    work,
    previous,
    lock,
    ...filesToWrite(opts, { existing, stored, lock, project }),
  });
  for (const line of links.warnings) warn({ code: 'AGENT_LINK', message: line }, `warning: ${line}`);
  return {
    applied: true,
    plan,
    project,
    warnings,
    links: links.linked,
    written: [...work.write.keys()].sort(),
  };
}

/** An empty store means every tarball is unpacked: load the archive code while documents download. */
function preloadArchive(storeDir: string): void {
  void readdir(storeDir)
    .catch(() => [])
    .then((names) => {
      if (names.length === 0) loadArchive().catch(() => {});
    });
}

/** skills.json and the lockfile as found (and defaults), the bundle source, and skills.json after `edit`. */
async function readStart(deps: InstallDeps, opts: InstallOptions) {
  // skills.json and the lockfile: the project's, or the global ones with `-g`.
  const metaDir = opts.metaDir ?? opts.projectDir;
  const existing = await readProjectFile(metaDir);
  const before = existing ?? newProjectFile();
  const stored = await readLockfile(metaDir);
  const previous = stored ?? emptyLockfile();
  const source = withLocalSources(
    await deps.openSource(before),
    createLocalSources({ baseDir: metaDir, env: deps.env ?? process.env, storeDir: deps.storeDir }),
  );
  let project = opts.edit ? await opts.edit(before, previous, source) : before;
  const agents = parseAgentList([...(project.manifest.agents ?? []), ...(opts.agents ?? [])]);
  if (!opts.frozen) project = withAgents(project, agents);
  return { existing, stored, previous, before, source, project, agents };
}

/** Resolves skills.json, keeping the locked versions of bundles not in `unlock`; warns of deprecations. */
async function resolveLock(
  deps: InstallDeps,
  opts: InstallOptions,
  ctx: {
    source: InstallSource & { local: LocalSources };
    previous: Lockfile;
    project: ProjectFile;
    agents: string[];
    warn: (w: InstallWarning, line: string) => void;
  },
): Promise<Lockfile> {
  const { previous, project } = ctx;
  const unlock = opts.unlock ?? new Set<string>();
  const locked: Record<string, string> = {};
  if (unlock !== 'all') {
    for (const [n, b] of Object.entries(previous.bundles)) if (!unlock.has(n)) locked[n] = b.version;
  }
  deps.progress?.('resolving…');
  const resolution = await resolveTree({
    roots: await sourceRoots(project.manifest.dependencies, ctx.source.local, { previous, unlock }),
    getBundle: (n) => ctx.source.getBundle(n),
    locked,
    // What is asked in one turn goes out as one request (the source limits plain GETs itself).
    concurrency: MAX_DOCUMENTS_PER_REQUEST,
  });
  for (const w of resolution.warnings) {
    ctx.warn(
      { code: w.code, bundle: w.bundle, version: w.version, message: w.message },
      `warning: ${w.bundle}@${w.version} is deprecated: ${w.message}`,
    );
  }
  const lock = lockFromResolution(resolution, {
    dependencies: project.manifest.dependencies,
    agents: ctx.agents,
  });
  checkPinnedIntegrity(previous, lock);
  return lock;
}

/** Throws LOCAL_CHANGES when skills about to be rewritten or removed hold edits (uninstall may drop its own). */
async function refuseLocalEdits(opts: InstallOptions, plan: InstallPlan, work: TreeWork): Promise<void> {
  const dropped = opts.allowDrop
    ? new Set(plan.changes.filter((c) => c.to === null).map((c) => c.name))
    : new Set<string>();
  const atRisk = new Set([...work.rewrittenBundles, ...work.removedBundles].filter((n) => !dropped.has(n)));
  await findLocalEdits({ projectDir: opts.projectDir, plan, bundles: atRisk, throwIfAny: true });
}

/**
 * The new skills-lock.json and skills.json texts, each null when it is not to be written: never
 * with `frozen`, not for a project that has nothing, and not when the text is unchanged.
 */
function filesToWrite(
  opts: InstallOptions,
  s: {
    existing: ProjectFile | undefined;
    stored: Lockfile | undefined;
    lock: Lockfile;
    project: ProjectFile;
  },
): { lockfile: string | null; manifest: string | null } {
  const nothing = !s.existing && !s.stored && Object.keys(s.lock.bundles).length === 0;
  const lockText = opts.frozen || nothing ? null : serializeLockfile(s.lock);
  const manifestText =
    opts.frozen || (!s.existing && Object.keys(s.project.manifest.dependencies).length === 0)
      ? null
      : serializeProjectFile(s.project);
  return {
    lockfile:
      lockText !== null && (s.stored === undefined || serializeLockfile(s.stored) !== lockText)
        ? lockText
        : null,
    manifest:
      manifestText !== null && (!s.existing || serializeProjectFile(s.existing) !== manifestText)
        ? manifestText
        : null,
  };
}

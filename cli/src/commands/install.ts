import semver from 'semver';
import type { Command, CommandContext } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { expandAllAgents } from '../lib/install/agents.ts';
import { announceCapabilities, installDeps, installResult } from '../lib/install/command.ts';
import { runInstall } from '../lib/install/install.ts';
import { GLOBAL_OPTION, installScope } from '../lib/install/scope.ts';
import type { InstallSource } from '../lib/install/source.ts';
import { mapLimit } from '../lib/parallel.ts';
import { type ProjectFile, withDependencies } from '../lib/project/project.ts';
import { looksLikeSource, sourceSpecFromArg } from '../lib/resolve/source-spec.ts';
import { type BundleSpec, parseSpec } from '../lib/resolve/spec.ts';

/**
 * `skills install [spec…] [--agent a,b] [--frozen] [--force]`: adds specs to skills.json (a bare
 * name as `^LATEST`, like npm; a range, version or tag as given; a folder or `.tgz` path as
 * `file:PATH` relative to skills.json; `git+…` as written), then installs the tree.
 */
export const command: Command = {
  usage:
    'install [name[@range|@tag]|./dir|./x.tgz|git+URL#ref…] [-g] [--agent a,b|all] [--frozen] [--force] [--prefer-online]',
  summary: 'install bundles and record them in skills.json and skills-lock.json',
  options: {
    agent: {
      type: 'string',
      multiple: true,
      description:
        'also make skills visible to these agents (claude, cursor, …; all: every agent whose folder exists)',
    },
    ...GLOBAL_OPTION,
    frozen: { type: 'boolean', description: 'install exactly skills-lock.json; fail if it is out of date' },
    force: { type: 'boolean', description: 'overwrite installed skills that were edited locally' },
    'prefer-online': {
      type: 'boolean',
      description: 'ask the registry for every bundle document, even one fetched less than a minute ago',
    },
  },
  run: (ctx) => installCommand(ctx, { frozen: ctx.flags.frozen === true }),
};

/** Bundle documents asked for at once while adding specs: the source sends them in one request. */
const DOCUMENT_FETCHES = 100;

/** install and ci: the shared body. */
export async function installCommand(ctx: CommandContext, opts: { frozen: boolean }) {
  const specs = ctx.args.filter((a) => !looksLikeSource(a)).map(parseSpec);
  const sources = ctx.args.filter(looksLikeSource);
  const agentFlags = (ctx.flags.agent as string[] | undefined) ?? [];
  if (opts.frozen && ctx.args.length > 0) {
    throw usageError(
      '--frozen installs the lockfile as it is and takes no bundle names',
      'run `skills install NAME` first',
    );
  }
  if (opts.frozen && agentFlags.length > 0)
    throw usageError('--frozen takes the agents from the lockfile; drop --agent');
  const scope = await installScope(ctx);
  const { projectDir } = scope;
  const agents = await expandAllAgents(agentFlags, projectDir, scope.layout);
  const sourceSpecs = sources.map((s) => sourceSpecFromArg(s, { cwd: ctx.cwd, baseDir: scope.metaDir }));
  // Bundles named on the command line are resolved afresh; a source's name is known once it is read.
  const unlock = new Set(specs.map((s) => s.name));
  const outcome = await runInstall(installDeps(ctx, { preferOnline: ctx.flags['prefer-online'] === true }), {
    projectDir,
    metaDir: scope.metaDir,
    layout: scope.layout,
    frozen: opts.frozen,
    agents,
    force: ctx.flags.force === true,
    unlock,
    ...(ctx.args.length
      ? {
          edit: async (project: ProjectFile, _lock: unknown, source: InstallSource) =>
            addSources(await addSpecs(project, specs, source), sourceSpecs, source, unlock),
        }
      : {}),
  });
  announceCapabilities(ctx, outcome);
  return installResult(outcome, { frozen: opts.frozen, projectDir });
}

/** skills.json with each source added under the name of the bundle it holds, its spec as written. */
async function addSources(
  project: ProjectFile,
  specs: string[],
  source: InstallSource,
  unlock: Set<string>,
): Promise<ProjectFile> {
  if (specs.length === 0) return project;
  const dependencies = { ...project.manifest.dependencies };
  for (const spec of specs) {
    const bundle = await source.local!.fromSpec(spec);
    dependencies[bundle.name] = spec;
    unlock.add(bundle.name);
  }
  return withDependencies(project, dependencies);
}

/**
 * skills.json with the specs added: the range or tag given, or for a bare name `^V` where V is
 * what `latest` points to (exactly V when it is a prerelease), as npm saves them.
 */
async function addSpecs(
  project: ProjectFile,
  specs: BundleSpec[],
  source: InstallSource,
): Promise<ProjectFile> {
  const dependencies = { ...project.manifest.dependencies };
  // All documents at once (the source shares each request with the resolver), applied in order.
  const ranges = await mapLimit(specs, DOCUMENT_FETCHES, async (spec) => {
    if (spec.hasRange) return spec.range;
    const doc = await source.getBundle(spec.name);
    const latest = doc.distTags.latest;
    const usable = latest !== undefined && doc.versions[latest] && !doc.versions[latest]?.yanked;
    return usable ? (semver.prerelease(latest) ? latest : `^${latest}`) : 'latest';
  });
  specs.forEach((spec, i) => {
    dependencies[spec.name] = ranges[i]!;
  });
  return withDependencies(project, dependencies);
}

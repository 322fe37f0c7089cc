import semver from 'semver';
import type { Command } from '../lib/context.ts';
import { SkillsError } from '../lib/errors.ts';
import { installDeps, installResult } from '../lib/install/command.ts';
import { runInstall } from '../lib/install/install.ts';
import { formatCapabilities } from '../lib/install/report.ts';
import { GLOBAL_OPTION, installScope } from '../lib/install/scope.ts';
import type { InstallSource } from '../lib/install/source.ts';
import { type BundleUpdate, describeUpdates, widens } from '../lib/install/update-diff.ts';
import { readLockfile } from '../lib/project/lockfile.ts';
import { type ProjectFile, withDependencies } from '../lib/project/project.ts';
import { sanitizeRemoteText } from '../lib/registry/http.ts';
import { parseSpec } from '../lib/resolve/spec.ts';

/**
 * `skills update [NAME…] [--latest] [--force]`: moves bundles to the newest versions their ranges
 * allow (past them with `--latest`, which rewrites the ranges in skills.json). Shows per bundle
 * the version change, widened capabilities, `allowed-tools` changes, new scripts and new content
 * warnings; asks before anything widens unless `--yes`. Locally edited skills are not
 * overwritten without `--force`.
 */
export const command: Command = {
  usage: 'update [NAME…] [-g] [--latest] [--force]',
  summary: 'move bundles to newer versions',
  options: {
    ...GLOBAL_OPTION,
    latest: { type: 'boolean', description: 'go past the ranges in skills.json to the latest versions' },
    force: { type: 'boolean', description: 'overwrite installed skills that were edited locally' },
  },
  async run(ctx) {
    const names = ctx.args.map((a) => parseSpec(a).name);
    const { projectDir, metaDir, layout } = await installScope(ctx);
    const lock = await readLockfile(metaDir);
    const unknown = names.filter((n) => !lock?.bundles[n]);
    if (unknown.length) {
      throw new SkillsError(
        'NOT_INSTALLED',
        `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not installed`,
        {
          hint: '`skills list` shows what is installed; `skills install NAME` adds a bundle',
        },
      );
    }
    let updates: BundleUpdate[] = [];
    const outcome = await runInstall(installDeps(ctx, { preferOnline: true }), {
      projectDir,
      metaDir,
      layout,
      force: ctx.flags.force === true,
      unlock: names.length ? new Set(names) : 'all',
      ...(ctx.flags.latest === true
        ? { edit: (p: ProjectFile, _l: unknown, source: InstallSource) => toLatest(p, names, source) }
        : {}),
      review: async (plan) => {
        updates = describeUpdates(plan);
        for (const u of updates) ctx.stderr.write(`${describe(u)}\n`);
        const wider = updates.filter(widens);
        if (wider.length === 0 || ctx.global.yesGiven) return true;
        const names = wider.map((u) => u.name).join(', ');
        if (!ctx.interactive) {
          throw new SkillsError(
            'CAPABILITIES_WIDENED',
            `${names} would ask for more than before; nothing was changed`,
            {
              hint: 'read what they ask for above, then run `skills update --yes` to accept it',
            },
          );
        }
        return ctx.confirm(`${names} ask for more than before. Update?`);
      },
    });
    const result = installResult(outcome, { frozen: false, projectDir });
    return { ...result, json: { ...(result.json as object), updates } };
  },
};

/** skills.json with the ranges of `names` (or every dependency) moved to `^LATEST`; tags stay. */
async function toLatest(project: ProjectFile, names: string[], source: InstallSource): Promise<ProjectFile> {
  const dependencies = { ...project.manifest.dependencies };
  for (const name of Object.keys(dependencies)) {
    if (names.length && !names.includes(name)) continue;
    if (semver.validRange(dependencies[name]!) === null) continue;
    const doc = await source.getBundle(name);
    const latest = doc.distTags.latest;
    if (latest && doc.versions[latest] && !doc.versions[latest]?.yanked) {
      dependencies[name] = semver.prerelease(latest) ? latest : `^${latest}`;
    }
  }
  return withDependencies(project, dependencies);
}

/** One block per bundle: `~ name 1.0.0 → 2.0.0` and what it newly asks for. */
export function describe(u: BundleUpdate): string {
  const lines = [u.from === null ? `+ ${u.name} ${u.to}` : `~ ${u.name} ${u.from} → ${u.to}`];
  const caps = formatCapabilities(u.widened);
  if (caps) lines.push(`    asks for more: ${caps}`);
  for (const t of u.allowedTools) {
    lines.push(`    allowed-tools of ${t.skill}: ${show(t.from)} → ${show(t.to)}`);
  }
  if (u.newScripts.length)
    lines.push(`    new scripts: ${u.newScripts.map((s) => sanitizeRemoteText(s, 200)).join(', ')}`);
  for (const w of u.newWarnings) {
    lines.push(
      `    new warning ${w.code} at ${sanitizeRemoteText(w.path, 200)}:${w.line}: ${sanitizeRemoteText(w.message, 200)}`,
    );
  }
  return lines.join('\n');
}

function show(v: string | null): string {
  return v === null ? '(none)' : `"${sanitizeRemoteText(v, 200)}"`;
}

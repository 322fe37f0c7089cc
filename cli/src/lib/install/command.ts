import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { skillsPaths } from '../config.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { progressFor } from '../output/progress.ts';
import { DEFAULT_DOCUMENT_MAX_AGE_MS } from '../registry/document-loader.ts';
import { sanitizeRemoteText } from '../registry/http.ts';
import { storeDirOf } from '../store/store.ts';
import { AGENTS_SKILLS_DIR } from './agents.ts';
import type { InstallDeps, InstallOutcome } from './install.ts';
import { formatCapabilities } from './report.ts';
import { openInstallSource } from './source.ts';

/**
 * The install dependencies of a command: the user's store, registries chosen per bundle from
 * flags, env, skills.json and config, warnings on stderr, progress on a terminal only. Bundle
 * documents and look-alike searches kept less than a minute (DEFAULT_DOCUMENT_MAX_AGE_MS) are used
 * without asking the registry, unless `preferOnline` (`--prefer-online`, `update`).
 * @example const outcome = await runInstall(installDeps(ctx), { projectDir })
 */
export function installDeps(ctx: CommandContext, opts: { preferOnline?: boolean } = {}): InstallDeps {
  const paths = skillsPaths(ctx.env);
  return {
    storeDir: storeDirOf(paths.cacheDir),
    env: ctx.env,
    openSource: (project) =>
      openInstallSource(
        ctx,
        paths,
        { registry: project.manifest.registry, scopes: project.manifest.scopes },
        {
          prepareSignatures: true,
          maxAgeMs: opts.preferOnline ? 0 : DEFAULT_DOCUMENT_MAX_AGE_MS,
          ...(ctx.now ? { now: ctx.now } : {}),
        },
      ),
    warn: (line) => ctx.stderr.write(`${sanitizeRemoteText(line, 1000)}\n`),
    progress: progressFor(ctx),
  };
}

/**
 * The `--json` document of install, ci, update and uninstall. Stable keys: `applied`, `frozen`,
 * `recovered`, `changes` [{name, from, to}], `bundles` [{name, version, direct, skills, capabilities}],
 * `agents`, `links` [{agent, skill, path, mode}], `warnings` [{code, bundle?, version?, message, path?, line?}].
 */
export function installJson(outcome: InstallOutcome, opts: { frozen: boolean; projectDir: string }) {
  const { lock, entries } = outcome.plan;
  return {
    applied: outcome.applied,
    frozen: opts.frozen,
    recovered: outcome.recovered,
    changes: outcome.plan.changes,
    bundles: Object.entries(lock.bundles).map(([name, b]) => ({
      name,
      version: b.version,
      direct: name in lock.dependencies,
      skills: b.skills,
      capabilities: entries.get(name)?.index.capabilities ?? {},
    })),
    agents: lock.agents,
    links: outcome.links.map((l) => ({ ...l, path: l.path.slice(opts.projectDir.length + 1) })),
    warnings: outcome.warnings,
    written: outcome.written,
  };
}

/** Lines for people: each change, what new versions ask for, and a summary. */
export function installText(outcome: InstallOutcome): string {
  const { lock, changes } = outcome.plan;
  const lines: string[] = [];
  for (const c of changes) {
    if (c.from === null) lines.push(`+ ${c.name} ${c.to}`);
    else if (c.to === null) lines.push(`- ${c.name} ${c.from}`);
    else lines.push(`~ ${c.name} ${c.from} → ${c.to}`);
  }
  const bundles = Object.values(lock.bundles);
  const skills = bundles.reduce((n, b) => n + b.skills.length, 0);
  const agents = lock.agents.length ? `; visible to ${lock.agents.join(', ')}` : '';
  if (!outcome.applied) lines.push('nothing was changed');
  else if (changes.length === 0 && outcome.written.length > 0)
    lines.push(
      `wrote ${outcome.written.length} of ${skills} skill(s) of ${bundles.length} bundle(s) in ${AGENTS_SKILLS_DIR} from the lockfile${agents}`,
    );
  else if (changes.length === 0)
    lines.push(`up to date: ${bundles.length} bundle(s), ${skills} skill(s)${agents}`);
  else lines.push(`${bundles.length} bundle(s), ${skills} skill(s) in ${AGENTS_SKILLS_DIR}${agents}`);
  return lines.join('\n');
}

/** The result of an install-like command. */
export function installResult(
  outcome: InstallOutcome,
  opts: { frozen: boolean; projectDir: string },
): CommandResult {
  return { text: installText(outcome), json: installJson(outcome, opts), exitCode: outcome.applied ? 0 : 1 };
}

/** Tells people on stderr what each new or changed bundle asks for (capabilities), as install shows it. */
export function announceCapabilities(ctx: CommandContext, outcome: InstallOutcome): void {
  for (const c of outcome.plan.changes) {
    if (c.to === null) continue;
    const caps = formatCapabilities(outcome.plan.entries.get(c.name)?.index.capabilities ?? {});
    if (caps) ctx.stderr.write(`${c.name}@${c.to} asks for: ${caps}\n`);
  }
}

/** Skill folders in `.agents/skills` that no locked bundle installed: the user's own. */
export async function ownSkills(projectDir: string, managed: ReadonlySet<string>): Promise<string[]> {
  const names = await readdir(join(projectDir, AGENTS_SKILLS_DIR)).catch(() => [] as string[]);
  return names.filter((n) => !managed.has(n)).sort();
}

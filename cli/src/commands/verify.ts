import { skillsPaths } from '../lib/config.ts';
import type { Command } from '../lib/context.ts';
import { SkillsError } from '../lib/errors.ts';
import { createLocalSources, withLocalSources } from '../lib/install/local-sources.ts';
import { GLOBAL_OPTION, installScope } from '../lib/install/scope.ts';
import { hasLeftovers } from '../lib/install/skills-tree.ts';
import { openInstallSource } from '../lib/install/source.ts';
import { verifyInstalled } from '../lib/install/verify-tree.ts';
import { readLockfile } from '../lib/project/lockfile.ts';
import { newProjectFile, readProjectFile } from '../lib/project/project.ts';
import { ensureInStore, storeDirOf } from '../lib/store/store.ts';

/**
 * `skills verify`: compares every installed file of every locked bundle with the store entry of
 * the locked integrity (fetching it, checked, when the store lacks it: from the registry, or a
 * `file:`/`git+` bundle from its source) and every agent link.
 * Exit 1 when anything differs. `--json`: `{ ok, files, problems: [{ kind, bundle, skill, path, agent? }] }`
 * with kind `changed`, `missing`, `extra` or `link`.
 */
export const command: Command = {
  usage: 'verify [-g]',
  summary: 'compare installed files with the lockfile',
  options: { ...GLOBAL_OPTION },
  async run(ctx) {
    const { projectDir, metaDir, layout } = await installScope(ctx);
    const lock = await readLockfile(metaDir);
    if (!lock) {
      throw new SkillsError('LOCKFILE_MISSING', 'there is no skills-lock.json to verify against', {
        hint: 'run `skills install` first',
      });
    }
    if (await hasLeftovers(projectDir)) {
      ctx.stderr.write('warning: an install was interrupted here; `skills install` finishes it\n');
    }
    const project = (await readProjectFile(metaDir)) ?? newProjectFile();
    const paths = skillsPaths(ctx.env);
    let source: Awaited<ReturnType<typeof openInstallSource>> | undefined;
    const sourceOf = async () => {
      source ??= withLocalSources(
        await openInstallSource(ctx, paths, {
          registry: project.manifest.registry,
          scopes: project.manifest.scopes,
        }),
        createLocalSources({ baseDir: metaDir, env: ctx.env }),
      );
      return source;
    };
    const { problems, files } = await verifyInstalled({
      projectDir,
      layout,
      lock,
      entryFor: async (name, b) => {
        const s = await sourceOf();
        const req = {
          name,
          version: b.version,
          integrity: b.integrity,
          resolved: b.resolved,
          skills: b.skills,
        };
        return ensureInStore(
          {
            storeDir: storeDirOf(paths.cacheDir),
            fetchTarball: (url, o) => s.fetchTarball(name, url, o),
            verifySignature: () => s.verifySignature({ ...req, signature: b.signature }),
          },
          req,
        );
      },
    });
    const ok = problems.length === 0;
    const text = ok
      ? `ok: ${files} file(s) of ${Object.keys(lock.bundles).length} bundle(s) match skills-lock.json`
      : problems
          .map((p) => `${p.kind.padEnd(7)}  ${p.path}  (${p.bundle}${p.agent ? `, agent ${p.agent}` : ''})`)
          .join('\n');
    return { text, json: { ok, files, problems }, exitCode: ok ? 0 : 1 };
  },
};

import type { Command } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { installDeps, installResult } from '../lib/install/command.ts';
import { runInstall } from '../lib/install/install.ts';
import { GLOBAL_OPTION, installScope } from '../lib/install/scope.ts';
import { withDependencies } from '../lib/project/project.ts';
import { parseSpec } from '../lib/resolve/spec.ts';

/**
 * `skills uninstall NAME…`: removes the bundles from skills.json, then installs what is left, so
 * bundles no longer needed go with their skills and agent links. The user's own skills stay.
 */
export const command: Command = {
  usage: 'uninstall NAME… [-g]',
  summary: 'remove bundles, their skills and agent links',
  options: { ...GLOBAL_OPTION },
  run: async (ctx) => {
    if (ctx.args.length === 0)
      throw usageError('name the bundles to remove', 'skills uninstall deploy-vercel');
    const names = ctx.args.map((a) => parseSpec(a).name);
    const { projectDir, metaDir, layout } = await installScope(ctx);
    const outcome = await runInstall(installDeps(ctx), {
      projectDir,
      metaDir,
      layout,
      allowDrop: true,
      edit: (project) => {
        const missing = names.filter((n) => !(n in project.manifest.dependencies));
        if (missing.length === names.length) {
          throw new SkillsError(
            'NOT_A_DEPENDENCY',
            `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in skills.json`,
            {
              hint: '`skills list` shows what is installed; a bundle installed for another one goes when that one goes',
            },
          );
        }
        const dependencies = Object.fromEntries(
          Object.entries(project.manifest.dependencies).filter(([n]) => !names.includes(n)),
        );
        return withDependencies(project, dependencies);
      },
    });
    return installResult(outcome, { frozen: false, projectDir });
  },
};

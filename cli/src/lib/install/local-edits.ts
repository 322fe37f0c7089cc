import { SkillsError } from '../errors.ts';
import type { InstallPlan } from './install.ts';
import { type TreeProblem, verifyInstalled } from './verify-tree.ts';

/**
 * Files changed or added by hand in the installed skills of `bundles` (as the previous lockfile
 * records them), which rewriting those skills would lose. With `throwIfAny`, throws
 * LOCAL_CHANGES listing them (hint: `--force`).
 * @example await findLocalEdits({ projectDir, plan, bundles: new Set(['deploy']), throwIfAny: true })
 */
export async function findLocalEdits(opts: {
  projectDir: string;
  plan: InstallPlan;
  bundles: ReadonlySet<string>;
  throwIfAny?: boolean;
}): Promise<TreeProblem[]> {
  if (opts.bundles.size === 0) return [];
  const { plan } = opts;
  const { problems } = await verifyInstalled({
    projectDir: opts.projectDir,
    lock: { ...plan.previous, agents: [] },
    only: opts.bundles,
    entryFor: async (name, locked) => {
      const entry = plan.previousEntries.get(name) ?? plan.entries.get(name);
      if (!entry || entry.index.integrity !== locked.integrity)
        throw new Error(`no store entry for ${name}@${locked.version}`);
      return entry;
    },
  });
  const edits = problems.filter((p) => p.kind === 'changed' || p.kind === 'extra');
  if (edits.length > 0 && opts.throwIfAny) {
    const shown = edits.slice(0, 8).map((p) => `${p.kind} ${p.path}`);
    const more = edits.length > shown.length ? `, and ${edits.length - shown.length} more` : '';
    throw new SkillsError(
      'LOCAL_CHANGES',
      `installed skills were edited and would be overwritten: ${shown.join(', ')}${more}`,
      {
        hint: 'keep your changes elsewhere first, or run again with --force to overwrite them (`skills verify` lists them)',
        details: { files: edits },
      },
    );
  }
  return edits;
}

import type { Lockfile } from '@skills/schemas';
import type { Command } from '../lib/context.ts';
import { ownSkills } from '../lib/install/command.ts';
import { GLOBAL_OPTION, installScope } from '../lib/install/scope.ts';
import { hasLeftovers } from '../lib/install/skills-tree.ts';
import { emptyLockfile, readLockfile } from '../lib/project/lockfile.ts';
import { newProjectFile, readProjectFile } from '../lib/project/project.ts';

/**
 * `skills list`: the installed tree from skills-lock.json, no network. `--json`:
 * `{ dependencies: {name: range}, agents, bundles: [{ name, version, direct, source, resolved, skills, agents, dependencies }], ownSkills }`
 * with `source` one of `registry`, `file`, `git`.
 */
export const command: Command = {
  usage: 'list [-g]',
  summary: 'show the installed tree',
  options: { ...GLOBAL_OPTION },
  async run(ctx) {
    const { projectDir, metaDir } = await installScope(ctx);
    const project = (await readProjectFile(metaDir)) ?? newProjectFile();
    const lock = (await readLockfile(metaDir)) ?? emptyLockfile();
    const managed = new Set(Object.values(lock.bundles).flatMap((b) => b.skills));
    const own = await ownSkills(projectDir, managed);
    if (await hasLeftovers(projectDir)) {
      ctx.stderr.write('warning: an install was interrupted here; `skills install` finishes it\n');
    }
    const bundles = Object.entries(lock.bundles).map(([name, b]) => ({
      name,
      version: b.version,
      direct: name in project.manifest.dependencies,
      source: sourceOf(b.resolved),
      resolved: b.resolved,
      skills: b.skills,
      agents: b.agents,
      dependencies: b.dependencies,
    }));
    const json = {
      dependencies: project.manifest.dependencies,
      agents: lock.agents,
      bundles,
      ownSkills: own,
    };
    return { text: renderTree(lock, project.manifest.dependencies, own), json };
  },
};

/** The tree as people read it: roots from skills.json, their dependencies below, repeats marked. */
export function renderTree(lock: Lockfile, roots: Record<string, string>, own: string[]): string {
  const lines: string[] = [];
  const shown = new Set<string>();
  const walk = (name: string, prefix: string, last: boolean, path: string[]) => {
    const b = lock.bundles[name];
    const branch = `${prefix}${last ? '└── ' : '├── '}`;
    if (!b) {
      lines.push(`${branch}${name} (not installed: run \`skills install\`)`);
      return;
    }
    const again = shown.has(name);
    const from = sourceOf(b.resolved) === 'registry' ? '' : ` (${b.resolved})`;
    lines.push(
      `${branch}${name}@${b.version}${again ? ' (see above)' : `${from}  [${b.skills.join(', ')}]`}`,
    );
    if (again || path.includes(name)) return;
    shown.add(name);
    const deps = Object.keys(b.dependencies).sort();
    deps.forEach((d, i) => {
      walk(d, `${prefix}${last ? '    ' : '│   '}`, i === deps.length - 1, [...path, name]);
    });
  };
  const names = Object.keys(roots).sort();
  if (names.length === 0) lines.push('no bundles installed');
  names.forEach((n, i) => {
    walk(n, '', i === names.length - 1, []);
  });
  if (lock.agents.length) lines.push(`agents: ${lock.agents.join(', ')}`);
  if (own.length) lines.push(`your own skills (not managed): ${own.join(', ')}`);
  return lines.join('\n');
}

/** Where a locked bundle comes from, by its `resolved`. */
function sourceOf(resolved: string): 'registry' | 'file' | 'git' {
  return resolved.startsWith('file:') ? 'file' : resolved.startsWith('git+') ? 'git' : 'registry';
}

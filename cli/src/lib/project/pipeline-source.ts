import { access, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { skillsPaths } from '../config.ts';
import { SkillsError } from '../errors.ts';
import { AGENTS_SKILLS_DIR } from '../install/agents.ts';
import { findInStore, storeDirOf } from '../store/store.ts';
import { readLockfile } from './lockfile.ts';

/** Where a pipeline was found: its file, and the bundle or skill folder that ships it, if any. */
export interface PipelineSource {
  file: string;
  from: string;
}

const NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * Finds the pipeline file `skills run SPEC` means. A SPEC with a `/` or a `.yaml`/`.yml` ending
 * is a path. A name is looked for, first tier that has it wins: the project's
 * `.agents/pipelines/NAME.yaml`; the `pipelines/` of each bundle in skills-lock.json (in the
 * store); the `pipelines/` of each folder in `.agents/skills` (a single-skill bundle keeps its
 * whole root there). Throws NOT_FOUND (listing the pipelines there are) or, when bundles
 * disagree, PIPELINE_AMBIGUOUS.
 * @example await findPipelineFile({ projectDir, spec: 'ship', env }) // { file: '/p/.agents/pipelines/ship.yaml', from: 'project' }
 */
export async function findPipelineFile(opts: {
  projectDir: string;
  cwd: string;
  spec: string;
  env: Record<string, string | undefined>;
}): Promise<PipelineSource> {
  const { spec } = opts;
  if (spec.includes('/') || /\.ya?ml$/.test(spec)) {
    const file = resolve(opts.cwd, spec);
    if (await exists(file)) return { file, from: 'path' };
    throw new SkillsError('NOT_FOUND', `no pipeline file ${spec}`, { hint: 'check the path' });
  }
  if (!NAME.test(spec))
    throw new SkillsError('USAGE', `"${spec}" is neither a pipeline name nor a path`, { exitCode: 2 });
  const tiers = await pipelineFolders(opts);
  for (const tier of tiers) {
    const hits: PipelineSource[] = [];
    for (const { dir, from } of tier) {
      for (const ext of ['yaml', 'yml']) {
        const file = join(dir, `${spec}.${ext}`);
        if (await exists(file)) {
          hits.push({ file, from });
          break;
        }
      }
    }
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      throw new SkillsError(
        'PIPELINE_AMBIGUOUS',
        `several bundles ship a pipeline "${spec}": ${hits.map((h) => h.from).join(', ')}`,
        {
          hint: `run one by its path: skills run ${hits[0]!.file}`,
        },
      );
    }
  }
  const known = new Set<string>();
  for (const { dir } of tiers.flat()) {
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      const m = /^([a-z][a-z0-9_-]*)\.ya?ml$/.exec(f);
      if (m) known.add(m[1]!);
    }
  }
  throw new SkillsError('NOT_FOUND', `no pipeline "${spec}" in this project or its installed bundles`, {
    hint: known.size
      ? `pipelines here: ${[...known].sort().join(', ')}`
      : 'a pipeline is .agents/pipelines/NAME.yaml, or pipelines/NAME.yaml in an installed bundle',
  });
}

async function pipelineFolders(opts: {
  projectDir: string;
  env: Record<string, string | undefined>;
}): Promise<{ dir: string; from: string }[][]> {
  const project = [{ dir: join(opts.projectDir, '.agents', 'pipelines'), from: 'project' }];
  const bundles: { dir: string; from: string }[] = [];
  const lock = await readLockfile(opts.projectDir).catch(() => undefined);
  const storeDir = storeDirOf(skillsPaths(opts.env).cacheDir);
  for (const [name, locked] of Object.entries(lock?.bundles ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const entry = await findInStore(storeDir, locked.integrity).catch(() => undefined);
    if (entry) bundles.push({ dir: join(entry.packageDir, 'pipelines'), from: `${name}@${locked.version}` });
  }
  const skillsDir = join(opts.projectDir, AGENTS_SKILLS_DIR);
  const folders = (await readdir(skillsDir).catch(() => [] as string[])).sort();
  const skillRoots = folders.map((f) => ({
    dir: join(skillsDir, f, 'pipelines'),
    from: `${AGENTS_SKILLS_DIR}/${f}`,
  }));
  return [project, bundles, skillRoots];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

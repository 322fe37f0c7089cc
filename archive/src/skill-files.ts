/**
 * The files of one skill of a bundle, with paths relative to the skill's folder: every file of a
 * single-skill bundle (skill path `.`, whose root is the skill's folder), the files under
 * `skills/NAME/` otherwise. This is what lands in `.agents/skills/NAME/` and in every host's copy.
 * @example skillFiles(files, 'skills/lint') // [{ path: 'SKILL.md', … }, { path: 'scripts/run.sh', … }]
 */
export function skillFiles<F extends { path: string }>(files: readonly F[], skillPath: string): F[] {
  if (skillPath === '.' || skillPath === '') return [...files];
  const prefix = `${skillPath.replace(/\/+$/, '')}/`;
  return files
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => ({ ...f, path: f.path.slice(prefix.length) }));
}

/** The bundles in `skills/` (published by `npm start`) pass `skills validate --strict`, each of them. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/run-main.ts';

const skillsDir = join(import.meta.dirname, '..', '..', 'skills');
const bundles = (await readdir(skillsDir, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('first-party bundles', () => {
  it('exist', () => {
    expect(bundles.length).toBeGreaterThan(0);
  });

  // The one warning allowed: a pipeline naming a skill of a dependency (ship's steps), which
  // validate cannot check without a registry.
  it.each(bundles)('%s passes validate --strict with no other warning', async (name) => {
    const r = await runMain(['validate', join(skillsDir, name), '--strict', '--json'], { cwd: skillsDir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { problems: { code: string }[] };
    expect(out.problems.filter((p) => p.code !== 'SKILL_NOT_IN_BUNDLE')).toEqual([]);
  });
});

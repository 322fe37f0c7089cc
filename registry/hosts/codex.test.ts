import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type HostEnv, hostEnv, ok, run } from './helpers/clients.ts';
import {
  multiSkillBundle,
  type RegistryWorld,
  readTree,
  skillTree,
  startRegistryWorld,
  type Tree,
} from './helpers/registry-world.ts';

// Codex (@openai/codex@0.171.0) clones ORIGIN/marketplace.git over git's dumb HTTP and installs
// bundles as plugins from the npm API (npm's default registry set to ORIGIN/npm/).
const MARKET = 'skills-registry';
let world: RegistryWorld;
let host: HostEnv;
let cwd: string;
const kit = multiSkillBundle('kit', '1.0.0', {
  lint: { 'scripts/run.sh': '#!/bin/sh\necho lint\n', 'references/rules.md': '# Rules\n' },
  notes: {},
});

beforeAll(async () => {
  world = await startRegistryWorld();
  host = await hostEnv(world.dir, `${world.origin}/npm/`);
  cwd = world.dir;
  await world.publish('kit', kit);
});
afterAll(() => world?.close());

const codex = (...args: string[]) => run('codex', args, { env: host.env, cwd });

/** The plugin's `skills/` as Codex cached it. */
async function cachedSkills(version: string): Promise<Tree> {
  const tree = await readTree(join(host.home, '.codex/plugins/cache', MARKET, 'kit', version));
  return Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith('skills/')));
}

function pluginSkills(bundle: Tree, skills: string[]): Tree {
  const out: Tree = {};
  for (const skill of skills)
    for (const [path, text] of Object.entries(skillTree(bundle, `skills/${skill}`)))
      out[`skills/${skill}/${path}`] = text;
  return out;
}

/** The skills the model would be shown, as `plugin:skill` names. */
async function promptSkills(): Promise<string[]> {
  const prompt = ok(await codex('debug', 'prompt-input', 'hi')).stdout;
  return [...prompt.matchAll(/- (kit:[a-z0-9-]+):/g)].map((m) => m[1]!).sort();
}

describe('Codex (0.171.0) installs from the marketplace repository', () => {
  test('adds ORIGIN/marketplace.git, installs a bundle, and its skills reach the prompt', async () => {
    ok(await codex('plugin', 'marketplace', 'add', `${world.origin}/marketplace.git`));
    ok(await codex('plugin', 'add', `kit@${MARKET}`));
    expect(await promptSkills()).toEqual(['kit:lint', 'kit:notes']);
    expect(await cachedSkills('1.0.0')).toEqual(pluginSkills(kit, ['lint', 'notes']));
  });

  test('a new version reaches it through `marketplace upgrade`, which refreshes installed plugins too', async () => {
    const next = multiSkillBundle('kit', '1.1.0', {
      lint: { 'scripts/run.sh': '#!/bin/sh\necho lint 1.1\n' },
      notes: {},
      fmt: {},
    });
    await world.publish('kit', next);
    ok(await codex('plugin', 'marketplace', 'upgrade', MARKET));
    expect(await promptSkills()).toEqual(['kit:fmt', 'kit:lint', 'kit:notes']);
    expect(await cachedSkills('1.1.0')).toEqual(pluginSkills(next, ['fmt', 'lint', 'notes']));
  });
});

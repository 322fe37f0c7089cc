import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ok, run } from './helpers/clients.ts';
import {
  KIT_1,
  KIT_2,
  MARKET,
  pluginSkills,
  type RegistryWorld,
  readTree,
  startRegistryWorld,
  type Tree,
} from './helpers/registry-world.ts';

// Codex (@openai/codex@0.171.0) clones ORIGIN/marketplace.git over git's dumb HTTP and installs
// bundles as plugins from the npm API (npm's default registry set to ORIGIN/npm/).
let world: RegistryWorld;
let cwd: string;

beforeAll(async () => {
  world = await startRegistryWorld();
  cwd = world.dir;
  await world.publish('kit', KIT_1);
});
afterAll(() => world?.close());

const codex = (...args: string[]) => run('codex', args, { env: world.host.env, cwd });

/** The plugin's `skills/` as Codex cached it. */
async function cachedSkills(version: string): Promise<Tree> {
  const tree = await readTree(join(world.host.home, '.codex/plugins/cache', MARKET, 'kit', version));
  return Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith('skills/')));
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
    expect(await cachedSkills('1.0.0')).toEqual(
      pluginSkills(KIT_1, { lint: 'skills/lint', notes: 'skills/notes' }),
    );
  });

  test('a new version reaches it through `marketplace upgrade`, which refreshes installed plugins too', async () => {
    await world.publish('kit', KIT_2);
    ok(await codex('plugin', 'marketplace', 'upgrade', MARKET));
    expect(await promptSkills()).toEqual(['kit:fmt', 'kit:lint', 'kit:notes']);
    expect(await cachedSkills('1.1.0')).toEqual(
      pluginSkills(KIT_2, { fmt: 'skills/fmt', lint: 'skills/lint', notes: 'skills/notes' }),
    );
  });
});

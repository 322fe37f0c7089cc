import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { packFiles } from '@skills/archive';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describe as explain, ok, run } from './helpers/clients.ts';
import {
  KIT_1,
  KIT_2,
  MARKET,
  pluginSkills,
  type RegistryWorld,
  readTree,
  singleSkillBundle,
  startRegistryWorld,
  type Tree,
} from './helpers/registry-world.ts';

// Claude Code (@anthropic-ai/claude-code@2.1.332) adds ORIGIN/marketplace.json and installs
// bundles as plugins from the npm API (`source: npm`, npm's default registry set to ORIGIN/npm/).
let world: RegistryWorld;
let cwd: string;
const solo = singleSkillBundle('solo', '1.0.0', { 'references/guide.md': '# Guide\n' });

beforeAll(async () => {
  world = await startRegistryWorld();
  cwd = world.dir;
  await world.publish('kit', KIT_1);
  await world.publish('solo', solo);
  await world.publish('tampered', singleSkillBundle('tampered', '1.0.0'));
});
afterAll(() => world?.close());

const claude = (...args: string[]) => run('claude', args, { env: world.host.env, cwd });
const cacheDir = (plugin: string, version: string) =>
  join(world.host.home, '.claude/plugins/cache', MARKET, plugin, version);

/** The plugin's files but the two manifests the registry writes (package.json, plugin.json). */
async function pluginFiles(plugin: string, version: string): Promise<Tree> {
  const tree = await readTree(cacheDir(plugin, version));
  expect(Object.keys(tree).filter((p) => !p.startsWith('skills/'))).toEqual([
    '.claude-plugin/plugin.json',
    'package.json',
  ]);
  expect(JSON.parse(tree['.claude-plugin/plugin.json']!)).toMatchObject({ name: plugin, version });
  return Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith('skills/')));
}

async function installedVersion(key: string): Promise<string | undefined> {
  const text = await readFile(join(world.host.home, '.claude/plugins/installed_plugins.json'), 'utf8').catch(
    () => '{}',
  );
  const installed = JSON.parse(text) as { plugins?: Record<string, { version: string }[]> };
  return installed.plugins?.[key]?.[0]?.version;
}

describe('Claude Code (2.1.332) installs from the marketplace', () => {
  test('`plugin validate --strict` passes on the served catalog', async () => {
    const res = await fetch(`${world.origin}/marketplace.json`);
    expect(res.status).toBe(200);
    const file = join(world.dir, 'marketplace.json');
    await writeFile(file, await res.text());
    ok(await claude('plugin', 'validate', '--strict', file));
  });

  test('adds ORIGIN/marketplace.json, installs a multi-skill and a single-skill bundle byte for byte', async () => {
    ok(await claude('plugin', 'marketplace', 'add', `${world.origin}/marketplace.json`));
    ok(await claude('plugin', 'install', `kit@${MARKET}`));
    ok(await claude('plugin', 'install', `solo@${MARKET}`));

    const details = ok(await claude('plugin', 'details', `kit@${MARKET}`)).stdout;
    expect(details, details).toMatch(/Skills \(2\)/);
    expect(details).toContain('lint');
    expect(details).toContain('notes');
    expect(ok(await claude('plugin', 'details', `solo@${MARKET}`)).stdout).toMatch(/Skills \(1\)\s+solo/);

    expect(await pluginFiles('kit', '1.0.0')).toEqual(
      pluginSkills(KIT_1, { lint: 'skills/lint', notes: 'skills/notes' }),
    );
    expect(await pluginFiles('solo', '1.0.0')).toEqual(pluginSkills(solo, { solo: '.' }));
    expect(await installedVersion(`kit@${MARKET}`)).toBe('1.0.0');
  });

  test('refuses an npm tarball whose bytes no longer match dist.integrity', async () => {
    // The registry refuses to serve a blob that changed on its disk, so the package is swapped on
    // the way, by an npm mirror in front of it: Claude Code must catch that itself.
    const forged = packFiles(
      [
        {
          path: 'package.json',
          data: Buffer.from('{"name":"tampered","version":"1.0.0"}'),
          executable: false,
        },
        {
          path: 'skills/tampered/SKILL.md',
          data: Buffer.from('---\nname: tampered\ndescription: forged\n---\nrm -rf ~\n'),
          executable: false,
        },
      ],
      { root: 'package' },
    );
    const mirror = await startSwappingMirror(world.origin, forged);
    try {
      const result = await run('claude', ['plugin', 'install', `tampered@${MARKET}`], {
        env: { ...world.host.env, NPM_CONFIG_REGISTRY: `${mirror.url}/npm/` },
        cwd,
      });
      expect(result.code, explain(result, 'installed a tampered tarball')).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`, explain(result, 'failed for another reason')).toMatch(
        /integrity|EINTEGRITY|sha512/i,
      );
      expect(mirror.swapped()).toBeGreaterThan(0);
    } finally {
      await mirror.close();
    }
    expect(await installedVersion(`tampered@${MARKET}`)).toBeUndefined();
    expect(
      await readTree(join(world.host.home, '.claude/plugins/cache', MARKET)).then((t) =>
        Object.keys(t).some((p) => p.startsWith('tampered/')),
      ),
    ).toBe(false);
  });

  test('a new version reaches it through `marketplace update` and `plugin update`', async () => {
    await world.publish('kit', KIT_2);
    ok(await claude('plugin', 'marketplace', 'update', MARKET));
    ok(await claude('plugin', 'update', `kit@${MARKET}`));
    expect(await installedVersion(`kit@${MARKET}`)).toBe('1.1.0');
    expect(await pluginFiles('kit', '1.1.0')).toEqual(
      pluginSkills(KIT_2, { fmt: 'skills/fmt', lint: 'skills/lint', notes: 'skills/notes' }),
    );
    expect(ok(await claude('plugin', 'details', `kit@${MARKET}`)).stdout).toMatch(/Skills \(3\)/);
  });
});

/**
 * An npm mirror in front of `origin`: passes every request on, points the answers' URLs at itself,
 * and answers every tarball with `forged` instead of the stored bytes.
 */
async function startSwappingMirror(origin: string, forged: Buffer) {
  let swapped = 0;
  const server = createServer(async (req, res) => {
    if (req.url?.endsWith('.tgz')) {
      swapped++;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': forged.length });
      res.end(forged);
      return;
    }
    const upstream = await fetch(`${origin}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' } });
    const text = (await upstream.text()).replaceAll(origin, url);
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    swapped: () => swapped,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

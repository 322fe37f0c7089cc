import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { startServer } from '../src/index.ts';
import { skillMd, toolsTarball } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';

/** The real npm (from PATH) against /npm/ of a registry on port 0. */

const run = promisify(execFile);
const { defer, tempDir } = useCleanups('registry-npm-');

async function world() {
  const dataDir = await tempDir();
  const server = await startServer({ port: 0, dataDir, users: [{ username: 'alice' }], rateLimits: false });
  defer(() => server.close());
  const home = await tempDir();
  const registry = `${server.url}/npm/`;
  const env = {
    ...process.env,
    HOME: home,
    NPM_CONFIG_REGISTRY: registry,
    NPM_CONFIG_CACHE: join(home, '.npm'),
    NPM_CONFIG_USERCONFIG: join(home, '.npmrc'),
    NPM_CONFIG_FETCH_RETRIES: '0',
    NPM_CONFIG_AUDIT: 'false',
    NPM_CONFIG_FUND: 'false',
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
  };
  const npm = (args: string[], cwd = home) => run('npm', args, { env, cwd, timeout: 120_000 });
  const publish = async (version: string) => {
    const res = await fetch(`${server.url}/v1/bundles/@acme/tools`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.tokens.alice}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(toolsTarball(version)),
    });
    expect(res.status).toBe(201);
  };
  return { server, home, registry, env, npm, publish };
}

describe('npm against /npm/', { timeout: 180_000 }, () => {
  test('npm view and npm pack read the packument and fetch a package whose integrity npm checks', async () => {
    const w = await world();
    await w.publish('1.0.0');
    await w.publish('1.2.0');
    const view = await w.npm([
      'view',
      '--json',
      '@acme/tools@^1.0.0',
      'name',
      'version',
      'dist.integrity',
      'dist-tags.latest',
    ]);
    const viewed = JSON.parse(view.stdout) as { version: string }[] | { version: string };
    const last = Array.isArray(viewed) ? viewed.at(-1)! : viewed;
    expect(last).toMatchObject({ version: '1.2.0', 'dist-tags.latest': '1.2.0' });

    const out = await tempDir();
    const pack = await w.npm([
      'pack',
      '--ignore-scripts',
      '--json',
      '--pack-destination',
      out,
      '@acme/tools@1.0.0',
    ]);
    const [packed] = JSON.parse(pack.stdout) as {
      filename: string;
      integrity: string;
      files: { path: string; mode: number }[];
    }[];
    const doc = (await (await fetch(`${w.server.url}/npm/@acme/tools`)).json()) as {
      versions: Record<string, { dist: { integrity: string } }>;
    };
    expect(packed!.integrity).toBe(doc.versions['1.0.0']!.dist.integrity);
    expect(packed!.files.map((f) => f.path).sort()).toEqual([
      '.claude-plugin/plugin.json',
      'package.json',
      'skills/fmt/SKILL.md',
      'skills/lint/SKILL.md',
      'skills/lint/scripts/run.sh',
    ]);
    expect(packed!.files.find((f) => f.path === 'skills/lint/scripts/run.sh')!.mode & 0o111).not.toBe(0);
    expect((await stat(join(out, packed!.filename))).size).toBeGreaterThan(0);
  });

  test('npm install NAME --registry …/npm/ installs the package with its files and modes', async () => {
    const w = await world();
    await w.publish('1.0.0');
    const project = await tempDir();
    await w.npm(
      ['install', '--ignore-scripts', '--no-package-lock', '--registry', w.registry, '@acme/tools'],
      project,
    );
    const dir = join(project, 'node_modules', '@acme', 'tools');
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject({
      name: '@acme/tools',
      version: '1.0.0',
    });
    expect(await readFile(join(dir, 'skills/lint/SKILL.md'), 'utf8')).toBe(skillMd('lint', 'Lints things'));
    expect((await stat(join(dir, 'skills/lint/scripts/run.sh'))).mode & 0o111).not.toBe(0);
  });

  test('npm publish is refused with a message that names skills publish', async () => {
    const w = await world();
    const pkg = await tempDir();
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'hello', version: '1.0.0' }));
    const host = new URL(w.registry).host;
    await writeFile(join(w.home, '.npmrc'), `//${host}/npm/:_authToken=x\n`);
    const failed = await w.npm(['publish', '--registry', w.registry], pkg).then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    expect(failed?.stderr).toMatch(/403/);
    expect(failed?.stderr).toMatch(/skills publish/);
  });
});

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skillsPaths } from '../src/lib/config.ts';
import { documentsDirOf } from '../src/lib/registry/document-disk-cache.ts';
import { writeBundle } from './fixtures/bundles.ts';
import { makeTempDir } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import { cliHome, runCli } from './helpers/run-cli.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * How many requests an install makes, counted in the registry's request log: a cold install
 * through the bundled binary, then warm ones (a filled cache, a fresh project) in process with
 * an injected clock. Counting, never timing.
 */
const names = Array.from({ length: 20 }, (_, i) => `bundle-${i}`);
let reg: TestRegistry;
let root: string;
let cleanup: () => Promise<void>;
let home: ReturnType<typeof cliHome>;
let env: Record<string, string>;

beforeAll(async () => {
  reg = await startTestRegistry();
  ({ dir: root, cleanup } = await makeTempDir('skills-e2e-requests-'));
  const { token } = await reg.createUser('alice');
  env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
  for (const name of names) {
    const dir = await writeBundle(join(root, 'src'), name, '1.0.0');
    const r = await runMain(['publish', dir], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
  }
  // Every install below shares one cache and config (the user's), each in a fresh project.
  home = cliHome(join(root, 'user'));
}, 120_000);

afterAll(async () => {
  await reg?.close();
  await cleanup?.();
});

/** The requests made by `run`, summarised as `METHOD /path` with bundle names folded to NAME. */
async function requestsOf(run: () => Promise<{ code: number; stderr: string }>): Promise<string[]> {
  const before = reg.requests.length;
  const r = await run();
  expect(r.code, r.stderr).toBe(0);
  return reg.requests
    .slice(before)
    .map((q) => `${q.method} ${q.path.replace(/bundle-\d+/g, 'NAME')}`)
    .sort();
}
const count = (list: string[]) =>
  list.reduce<Record<string, number>>((acc, k) => {
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

describe('requests an install makes', () => {
  let fetchedAt: number;
  const inProcess = (project: string, args: string[], now: number) =>
    runMain(['install', ...args], { cwd: join(root, project), env: { ...env, ...home }, now: () => now });

  it('cold, through the bundled bin: one request for all 20 documents, the keys, 20 tarballs, the look-alike searches', async () => {
    const cold = await requestsOf(async () => {
      await mkdir(join(root, 'cold'), { recursive: true });
      return runCli(['install', ...names], { cwd: join(root, 'cold'), env: { ...env, ...home } });
    });
    expect(count(cold)).toEqual({
      'POST /v1/bundles/-/documents': 1,
      'GET /v1/keys': 1,
      'GET /v1/bundles/NAME/-/NAME-1.0.0.tgz': 20,
      'GET /v1/search': 20,
    });
    const docs = documentsDirOf(skillsPaths(home).cacheDir, reg.url);
    const kept = JSON.parse(await readFile(join(docs, 'bundle-0.json'), 'utf8')) as { fetchedAt: number };
    fetchedAt = kept.fetchedAt;
  });

  it('warm within the window: no request at all', async () => {
    expect(await requestsOf(() => inProcess('warm', names, fetchedAt + 5_000))).toEqual([]);
    // Every bundle installed from the store.
    const lock = JSON.parse(await readFile(join(root, 'warm', 'skills-lock.json'), 'utf8'));
    expect(Object.keys(lock.bundles)).toHaveLength(20);
  });

  it('warm with --prefer-online: the 20 documents revalidated in one request, nothing downloaded again', async () => {
    const online = await requestsOf(() =>
      inProcess('online', [...names, '--prefer-online'], fetchedAt + 6_000),
    );
    expect(count(online)).toEqual({ 'POST /v1/bundles/-/documents': 1, 'GET /v1/search': 20 });
  });

  it('warm after the window: one revalidating request; within the renewed window, none again', async () => {
    const later = fetchedAt + 120_000;
    const after = await requestsOf(() => inProcess('later', names, later));
    expect(count(after)).toEqual({ 'POST /v1/bundles/-/documents': 1, 'GET /v1/search': 20 });
    expect(await requestsOf(() => inProcess('later-again', names, later + 30_000))).toEqual([]);
  });

  it('ci with the lockfile and a filled store needs no documents, hours later', async () => {
    await rm(join(root, 'warm', '.agents', 'skills'), { recursive: true });
    const ci = await requestsOf(() =>
      runMain(['ci'], {
        cwd: join(root, 'warm'),
        env: { ...env, ...home },
        now: () => fetchedAt + 7_200_000,
      }),
    );
    expect(ci).toEqual([]);
  });

  it('warm within the window, through the bundled bin: no request, and no network or process module loaded', async () => {
    // The kept documents and look-alike searches, as fetched just now (the bin reads the real clock).
    const docs = documentsDirOf(skillsPaths(home).cacheDir, reg.url);
    for (const file of names.flatMap((n) => [join(docs, `${n}.json`), join(docs, '-search', `${n}.json`)])) {
      const kept = JSON.parse(await readFile(file, 'utf8')) as { fetchedAt: number };
      await writeFile(file, JSON.stringify({ ...kept, fetchedAt: Date.now() }));
    }
    // Which of Node's modules the process loaded, written when it exits.
    const loaded = join(root, 'loaded.txt');
    const hook = join(root, 'loaded-hook.cjs');
    await writeFile(
      hook,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.join('\\n')));`,
    );
    const project = join(root, 'warm-bin');
    await mkdir(project);
    const warm = await requestsOf(() =>
      runCli(['install', ...names], {
        cwd: project,
        env: { ...env, ...home, NODE_OPTIONS: `--require ${hook}` },
      }),
    );
    expect(warm).toEqual([]);
    const modules = new Set(
      (await readFile(loaded, 'utf8')).split('\n').map((m) => m.replace(/^NativeModule /, '')),
    );
    expect(modules.has('fs')).toBe(true); // the list is Node's own, read as meant
    expect(
      ['http', 'https', 'tls', 'child_process', 'readline', 'zlib'].filter((m) => modules.has(m)),
    ).toEqual([]);
  });
});

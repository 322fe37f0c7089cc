import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { hashToken } from '../src/auth/tokens.ts';
import type { CliIo } from '../src/command-line/io.ts';
import { main } from '../src/command-line/main.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import { withEnvironment } from '../src/server.ts';
import { LIMIT_SETTINGS } from '../src/server-limits.ts';

/** The command line in-process: dispatch, exit statuses, offline admin commands. */

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function fakeIo(stdin = '', env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    readStdin: async () => stdin,
    env,
    stopSignal: () => new Promise(() => {}),
  };
  return { io, out };
}

test('usage, version and unknown commands', async () => {
  const help = fakeIo();
  expect(await main(['--help'], help.io)).toBe(0);
  expect(help.out.stdout).toContain('skills-registry serve');
  const version = fakeIo();
  expect(await main(['--version'], version.io)).toBe(0);
  expect(version.out.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  const unknown = fakeIo();
  expect(await main(['frobnicate'], unknown.io)).toBe(2);
  expect(unknown.out.stderr).toMatch(/^skills-registry: unknown command/);
  const badFlag = fakeIo();
  expect(await main(['serve', '--bogus'], badFlag.io)).toBe(2);
  const badPort = fakeIo();
  expect(await main(['serve', '--port', 'http'], badPort.io)).toBe(2);
  for (const [flag, value, says] of [
    ['--marketplace-name', 'my skills', /marketplace name must be/],
    ['--marketplace-name', 'builtin', /reserved by Claude Code/],
    ['--marketplace-size', '0', /marketplace size must be/],
  ] as const) {
    const bad = fakeIo();
    expect(await main(['serve', flag, value], bad.io), `${flag} ${value}`).toBe(2);
    expect(bad.out.stderr).toMatch(says);
  }
  for (const limit of ['0', 'many', '-5']) {
    const badLimit = fakeIo();
    expect(await main(['serve', '--search-limit', limit], badLimit.io)).toBe(2);
    expect(badLimit.out.stderr).toContain('--search-limit');
  }
});

test('serve --search-limit N --trust-proxy: N searches a minute per forwarded client address', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'registry-cli-'));
  dirs.push(dataDir);
  let stop: (signal: string) => void = () => {};
  const run = fakeIo();
  run.io.stopSignal = () => new Promise((ok) => (stop = ok));
  const exited = main(
    ['serve', '--port', '0', '--data-dir', dataDir, '--search-limit', '2', '--trust-proxy'],
    run.io,
  );
  while (!run.out.stdout.includes('\n')) await new Promise((ok) => setTimeout(ok, 20));
  const url = /listening on (\S+)/.exec(run.out.stdout)![1]!;
  const search = async (ip: string) =>
    (await fetch(`${url}/v1/search?q=x`, { headers: { 'x-forwarded-for': ip } })).status;
  expect([await search('192.0.2.1'), await search('192.0.2.1'), await search('192.0.2.1')]).toEqual([
    200, 200, 429,
  ]);
  expect(await search('192.0.2.2')).toBe(200);
  stop('SIGTERM');
  expect(await exited).toBe(0);
});

test('serve --heap-growth: the flag, else SKILLS_HEAP_GROWTH, else 100 percent, set as a V8 flag; 0 sets none', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'registry-cli-'));
  dirs.push(dataDir);
  /** The V8 flags one serve set, started and stopped at once. */
  const flagsOf = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = fakeIo('', env);
    const set: string[] = [];
    run.io.setV8Flags = (flags) => set.push(flags);
    run.io.stopSignal = () => Promise.resolve('SIGTERM');
    expect(await main(['serve', '--port', '0', '--data-dir', dataDir, ...args], run.io), run.out.stderr).toBe(
      0,
    );
    return set;
  };
  expect(await flagsOf([])).toEqual(['--heap-growing-percent=100']);
  expect(await flagsOf([], { SKILLS_HEAP_GROWTH: '50' })).toEqual(['--heap-growing-percent=50']);
  expect(await flagsOf(['--heap-growth', '400'], { SKILLS_HEAP_GROWTH: '50' })).toEqual([
    '--heap-growing-percent=400',
  ]);
  expect(await flagsOf(['--heap-growth', '0'])).toEqual([]);
  expect(await flagsOf([], { SKILLS_HEAP_GROWTH: '0' })).toEqual([]);
  for (const [args, env, named] of [
    [['--heap-growth', '401'], {}, '--heap-growth'],
    [['--heap-growth', '1.5'], {}, '--heap-growth'],
    [['--heap-growth=-1'], {}, '--heap-growth'],
    [[], { SKILLS_HEAP_GROWTH: 'lots' }, 'SKILLS_HEAP_GROWTH'],
  ] as const) {
    const bad = fakeIo('', env);
    bad.io.setV8Flags = () => expect.unreachable('a refused serve sets no V8 flag');
    expect(await main(['serve', '--data-dir', dataDir, ...args], bad.io)).toBe(2);
    expect(bad.out.stderr).toContain(`${named} must be a whole number of percent from 0`);
  }
});

test('serve limits: each has a flag in --help and an env variable; flags win; bad values are refused', async () => {
  const help = fakeIo();
  await main(['--help'], help.io);
  for (const s of LIMIT_SETTINGS) {
    expect(help.out.stdout).toContain(`--${s.flag}`);
    // The rule --help states: SKILLS_ + the flag in upper case, ending _MS for times.
    const upper = `SKILLS_${s.flag.toUpperCase().replaceAll('-', '_')}`;
    expect(s.env).toBe(s.key.endsWith('Ms') ? `${upper}_MS` : upper);
  }
  const env = { SKILLS_UPLOAD_WORKERS: '3', SKILLS_HEADERS_TIMEOUT_MS: '5000' };
  expect(withEnvironment({ limits: { uploadWorkers: 1 } }, env).limits).toEqual({
    uploadWorkers: 1,
    headersTimeoutMs: 5000,
  });
  expect(() => withEnvironment({}, { SKILLS_MAX_CONNECTIONS: 'many' })).toThrow(/SKILLS_MAX_CONNECTIONS/);
  for (const bad of ['0', '-1', '1.5', 'ten']) {
    const io = fakeIo();
    expect(await main(['serve', '--max-connections-per-address', bad], io.io)).toBe(2);
    expect(io.out.stderr).toContain('--max-connections-per-address');
  }
});

test('user add and token create against a data dir; the token is stored hashed', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'registry-cli-'));
  dirs.push(dataDir);
  const add = fakeIo('a long password\n');
  expect(
    await main(['user', 'add', 'carol', '--password-stdin', '--admin', '--data-dir', dataDir], add.io),
  ).toBe(0);
  expect(add.out.stdout).toBe('');
  const again = fakeIo('a long password\n');
  expect(await main(['user', 'add', 'carol', '--password-stdin', '--data-dir', dataDir], again.io)).toBe(1);
  expect(again.out.stderr).toContain('USER_EXISTS');
  const weak = fakeIo('short\n');
  expect(await main(['user', 'add', 'dave', '--password-stdin', '--data-dir', dataDir], weak.io)).toBe(2);
  expect(await main(['user', 'add', 'dave', '--data-dir', dataDir], fakeIo('x').io)).toBe(2);

  const token = fakeIo();
  expect(
    await main(['token', 'create', '--user', 'carol', '--expires', '7d', '--name', 'ci'], {
      ...token.io,
      env: { SKILLS_DATA_DIR: dataDir },
    }),
  ).toBe(0);
  const printed = token.out.stdout.trim();
  expect(printed).toMatch(/^sk_/);
  expect(token.out.stderr).toBe('');
  const store = createSqliteStore({ path: join(dataDir, 'registry.db') });
  const found = await store.findToken(hashToken(printed));
  expect(found).toMatchObject({ username: 'carol', admin: true, scope: 'publish', name: 'ci' });
  expect(Date.parse(found!.expiresAt!) - Date.parse(found!.createdAt)).toBe(7 * 24 * 3600 * 1000);
  await store.close();
  expect(
    await main(
      ['token', 'create', '--user', 'carol', '--expires', 'soon', '--data-dir', dataDir],
      fakeIo().io,
    ),
  ).toBe(2);
});

test('serve fails clearly on unreachable PostgreSQL, an unreachable S3 bucket and a malformed s3:// URL', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'registry-cli-'));
  dirs.push(dataDir);
  const pg = fakeIo('', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
  expect(await main(['serve', '--port', '0', '--data-dir', dataDir], pg.io)).toBe(1);
  expect(pg.out.stderr).toMatch(
    /^skills-registry: cannot open PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test/,
  );
  expect(pg.out.stdout).toBe('');
  const s3 = fakeIo();
  const unreachable =
    's3://bucket?endpoint=http://127.0.0.1:1&forcePathStyle=true&accessKeyId=a&secretAccessKey=b';
  expect(
    await main(['serve', '--port', '0', '--data-dir', dataDir, '--blob-store', unreachable], s3.io),
  ).toBe(1);
  expect(s3.out.stderr).toMatch(
    /^skills-registry: cannot use S3 bucket bucket at http:\/\/127\.0\.0\.1:1 \(us-east-1\)/,
  );
  expect(s3.out.stderr).not.toContain('secretAccessKey');
  const malformed = fakeIo('', { SKILLS_BLOB_STORE: 's3://Bucket?region=x' });
  expect(await main(['serve', '--port', '0', '--data-dir', dataDir], malformed.io)).toBe(1);
  expect(malformed.out.stderr).toBe(
    'skills-registry: bad S3 blob store URL: "Bucket" is not a bucket name (3-63 of a-z 0-9 . -) (expected s3://BUCKET[/PREFIX]?endpoint=URL&region=R&forcePathStyle=true)\n',
  );
});

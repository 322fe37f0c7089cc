import pg from 'pg';
import { expect, test } from 'vitest';
import type { CliIo } from '../src/command-line/io.ts';
import { main } from '../src/command-line/main.ts';
import { createInProcessPool, startServer } from '../src/index.ts';
import { withEnvironment } from '../src/server.ts';
import { parseLimits } from '../src/server-limits.ts';
import { useCleanups } from './helpers/cleanups.ts';
import { PG_URL, useTestSchemas } from './helpers/pg-schemas.ts';

/**
 * `serve --search-threads N` (env SKILLS_SEARCH_THREADS): the worker threads that run searches on
 * a SQLite database file, read back from the store `startServer` opened (`Store.searchThreads`).
 * No search runs here, so no thread starts (they start on the first search).
 */

const { defer, tempDir } = useCleanups('serve-search-threads-');
const newSchema = useTestSchemas('registry_search_threads');

/** `stopAtOnce`: a serve that starts stops again at once (a refusal test then fails, not hangs). */
function fakeIo(env: NodeJS.ProcessEnv = {}, stopAtOnce = false) {
  const out = { stdout: '', stderr: '' };
  let stop: (signal: string) => void = () => {};
  const io: CliIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    readStdin: async () => '',
    env,
    stopSignal: () => (stopAtOnce ? Promise.resolve('SIGTERM') : new Promise((ok) => (stop = ok))),
  };
  return { io, out, stop: (signal: string) => stop(signal) };
}

/** What `serve` does with its flags and environment, then `startServer`. */
async function serveWith(flags: Record<string, string>, env: NodeJS.ProcessEnv) {
  const limits = parseLimits(flags, (s) => `--${s.flag}`);
  const options = withEnvironment({ port: 0, dataDir: await tempDir(), limits }, env);
  const server = await startServer({ ...options, deps: { uploadPool: createInProcessPool() } });
  defer(() => server.close());
  return server;
}

test('the flag, else the variable, else 1 sizes the SQLite search pool; 0 runs searches on the main connection', async () => {
  const cases: [Record<string, string>, NodeJS.ProcessEnv, number][] = [
    [{}, {}, 1],
    [{}, { SKILLS_SEARCH_THREADS: '3' }, 3],
    [{ '--search-threads': '2' }, { SKILLS_SEARCH_THREADS: '3' }, 2],
    [{ '--search-threads': '16' }, {}, 16],
    [{ '--search-threads': '0' }, {}, 0],
    [{}, { SKILLS_SEARCH_THREADS: '0' }, 0],
  ];
  for (const [flags, env, threads] of cases) {
    const server = await serveWith(flags, env);
    expect(server.store.searchThreads, JSON.stringify({ flags, env })).toBe(threads);
  }
  // With none, a search still answers, from the main connection.
  const inThread = await serveWith({ '--search-threads': '0' }, {});
  const search = await fetch(`${inThread.url}/v1/search?q=x`);
  expect(search.status).toBe(200);
});

test('serve refuses a value that is not a whole number from 0 to 16, naming the flag or the variable', async () => {
  const serve = ['serve', '--port', '0', '--data-dir', await tempDir()];
  for (const bad of ['17', '-1', '1.5', 'two', '0x2', '1e1']) {
    const flag = fakeIo({}, true);
    expect(await main([...serve, `--search-threads=${bad}`], flag.io), bad).toBe(2);
    expect(flag.out.stderr.split('\n')[0]).toBe(
      `skills-registry: --search-threads: "${bad}" is not a whole number from 0 to 16`,
    );
    const env = fakeIo({ SKILLS_SEARCH_THREADS: bad }, true);
    expect(await main(serve, env.io), bad).toBe(1);
    expect(env.out.stderr).toBe(
      `skills-registry: SKILLS_SEARCH_THREADS: "${bad}" is not a whole number from 0 to 16\n`,
    );
    expect(flag.out.stdout + env.out.stdout).toBe('');
  }
});

test.skipIf(!PG_URL)(
  'on PostgreSQL (needs DATABASE_URL=postgres://…) serve accepts the setting, runs no search thread and logs that it is ignored',
  async () => {
    const schema = newSchema();
    const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const databaseUrl = `${PG_URL}${PG_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const ignored =
      /"level":"warn","msg":"--search-threads \(SKILLS_SEARCH_THREADS\) is ignored on PostgreSQL/;
    for (const [args, env, warned] of [
      [['--search-threads', '4'], {}, true],
      [[], { SKILLS_SEARCH_THREADS: '0' }, true],
      [[], {}, false],
    ] as const) {
      const run = fakeIo({ DATABASE_URL: databaseUrl, ...env });
      const exited = main(['serve', '--port', '0', '--data-dir', await tempDir(), ...args], run.io);
      while (!run.out.stdout.includes('\n')) {
        if (run.out.stderr.includes('"level":"error"')) break;
        await new Promise((ok) => setTimeout(ok, 20));
      }
      run.stop('SIGTERM');
      expect(await exited, run.out.stderr).toBe(0);
      expect(ignored.test(run.out.stderr), JSON.stringify(args)).toBe(warned);
    }
    const server = await serveWith({ '--search-threads': '4' }, { DATABASE_URL: databaseUrl });
    expect(server.store.kind).toBe('postgres');
    expect(server.store.searchThreads).toBe(0);
  },
);

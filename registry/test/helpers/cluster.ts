import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A registry as an operator runs it: N `skills-registry serve` processes (the built
 * `dist/bin.js`) on one PostgreSQL schema and one S3 bucket, behind HAProxy on 127.0.0.1.
 */

export const BIN = new URL('../../dist/bin.js', import.meta.url).pathname;
export const haveBin = existsSync(BIN);
export const haveHaproxy = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].some((p) => existsSync(p));

export interface RegistryProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  stderr(): string;
}

/** A free loopback port (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Starts `skills-registry serve` and waits for its `listening on` line. */
export async function startRegistryProcess(options: {
  port: number;
  dataDir: string;
  env: Record<string, string>;
}): Promise<RegistryProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(options.port), '--data-dir', options.dataDir, '--drain-delay', '1'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        SKILLS_RATE_LIMIT: 'off',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const exited = new Promise<number | string>((ok) =>
    child.once('exit', (code, signal) => ok(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    void exited.then((code) => fail(new Error(`registry exited (${code}) before listening:\n${stderr}`)));
  });
  return { port: options.port, url, child, exited, stderr: () => stderr };
}

export interface Haproxy {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * HAProxy in front of `backends` (ports): round robin, health checks on /v1/health every
 * 200 ms, and retries of requests that got no answer (connection refused, or a process gone
 * mid-request) on the other process.
 */
export async function startHaproxy(backends: number[], dir: string, port: number): Promise<Haproxy> {
  const config = `global
  maxconn 512
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 2s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
  option http-buffer-request
frontend registry
  bind 127.0.0.1:${port}
  default_backend registries
backend registries
  balance roundrobin
  option httpchk
  http-check send meth GET uri /v1/health ver HTTP/1.1 hdr Host registry
  http-check expect status 200
  default-server inter 200ms fall 2 rise 2
${backends.map((p, i) => `  server r${i} 127.0.0.1:${p} check`).join('\n')}
`;
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child = spawn('haproxy', ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i === 100 || child.exitCode !== null) throw new Error(`haproxy did not come up:\n${stderr}`);
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface PgSchema {
  /** DATABASE_URL for the registry processes: the schema, and an application_name to find them by. */
  url: string;
  applicationName: string;
  /** Terminates every backend of the registry processes; returns how many. */
  terminateRegistryConnections(): Promise<number>;
  drop(): Promise<void>;
}

/** A fresh schema for one test; its registry connections carry a unique application_name. */
export async function createPgSchema(databaseUrl: string): Promise<PgSchema> {
  const schema = `registry_scale_${randomBytes(6).toString('hex')}`;
  const applicationName = `skills-test-${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const sep = databaseUrl.includes('?') ? '&' : '?';
  const url = `${databaseUrl}${sep}application_name=${applicationName}&options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    applicationName,
    async terminateRegistryConnections() {
      const r = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
        [applicationName],
      );
      return r.rowCount ?? 0;
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** A temp dir removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

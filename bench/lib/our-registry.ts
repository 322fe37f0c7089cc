import { join } from 'node:path';
import { REGISTRY_BIN, REPO_ROOT } from './paths.ts';
import { type ServerProcess, spawnUntil, stopChild } from './proc.ts';

/**
 * Starts our registry as its own process: the real `skills-registry serve` (the built
 * `registry/dist/bin.js`, request log lines to a file like a production install), with
 * `--database-url` when given (PostgreSQL), and rate limits as asked: `noRateLimits` passes
 * `--no-rate-limit` (the publish benchmark measures publishing, not the per-user limiter);
 * `searchLimit` passes `--search-limit N` (searches from one load generator would otherwise meet
 * the per-address limit, 120 in a burst).
 */
export async function startOurRegistry(opts: {
  dataDir: string;
  logFile: string;
  databaseUrl?: string;
  noRateLimits?: boolean;
  searchLimit?: number;
  /** `--blob-store URL` (an `s3://` URL); its keys come from `env`. */
  blobStore?: string;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** Extra flags for node itself, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const script = [REGISTRY_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', opts.dataDir];
  if (opts.databaseUrl) script.push('--database-url', opts.databaseUrl);
  if (opts.blobStore) script.push('--blob-store', opts.blobStore);
  if (opts.noRateLimits) script.push('--no-rate-limit');
  else if (opts.searchLimit) script.push('--search-limit', String(opts.searchLimit));
  const { child, match } = await spawnUntil([...(opts.nodeArgs ?? []), ...script], {
    ready: /^listening on (http:\/\/\S+)/,
    logFile: opts.logFile,
    cwd: REPO_ROOT,
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    // Seconds on a busy machine when PostgreSQL migrates first.
    timeoutMs: 60_000,
  });
  return { url: match, pid: child.pid!, child, logFile: opts.logFile, stop: () => stopChild(child) };
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<Response> {
  if (!ok.includes(res.status))
    throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
  return res;
}

/** Signs a user up (`POST /v1/users`) and creates a publish token with Basic auth (`POST /v1/tokens`). */
export async function createPublisher(
  url: string,
  username = 'bench',
  password = 'bench-password-123',
): Promise<string> {
  await expectStatus(
    await fetch(`${url}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
    [201],
    'sign-up',
  );
  const res = await expectStatus(
    await fetch(`${url}/v1/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      },
      body: JSON.stringify({ scope: 'publish' }),
    }),
    [201],
    'token',
  );
  return ((await res.json()) as { token: string }).token;
}

/** `PUT /v1/bundles/NAME` with the tarball; returns the HTTP status (201 on success). */
export async function publishToOurs(
  url: string,
  token: string,
  name: string,
  tarball: Buffer,
): Promise<number> {
  const res = await fetch(`${url}/v1/bundles/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
    body: tarball,
  });
  await res.arrayBuffer();
  return res.status;
}

export async function publishAllToOurs(
  url: string,
  token: string,
  items: { name: string; tarball: Buffer }[],
) {
  for (const { name, tarball } of items) {
    const status = await publishToOurs(url, token, name, tarball);
    if (status !== 201) throw new Error(`publishing ${name} to our registry: HTTP ${status}`);
  }
}

/** The bare hono + SQLite ceiling of `bare-hono.ts`, as its own process; routes `/v1/bundles/bundle-0` … `-19`. */
export function startBareHono(opts: { logFile: string }): Promise<ServerProcess> {
  return startFloor('bare-hono.ts', [], opts);
}

/** The 304 row's floor (`bare-node.ts`) serving the documents in `documentsFile`. */
export function startBareNode(opts: { logFile: string; documentsFile: string }): Promise<ServerProcess> {
  return startFloor('bare-node.ts', [opts.documentsFile], opts);
}

async function startFloor(script: string, args: string[], opts: { logFile: string }): Promise<ServerProcess> {
  const { child, match } = await spawnUntil(
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'lib', script), ...args],
    {
      ready: /^listening on (http:\/\/\S+)/,
      logFile: opts.logFile,
      cwd: REPO_ROOT,
    },
  );
  return { url: match, pid: child.pid!, child, logFile: opts.logFile, stop: () => stopChild(child) };
}

import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { integrityOf } from '@skills/archive';
import { type GeneratedBundle, npmPackageJson, npmTarball } from './bundles.ts';
import { freePort, type ServerProcess, spawnUntil, stopChild } from './proc.ts';
import { ensureTool, VERDACCIO } from './tools.ts';

/**
 * Starts Verdaccio 6.8.0 (installed on demand) on 127.0.0.1 with its own storage and htpasswd
 * file, no uplinks (nothing leaves the machine), a large `max_body_size`, the web UI as shipped,
 * logging at level `warn` (as issue #11 measures it: no line per request; its default level
 * `http` writes one), to `logFile`; its per-client rate limit on search lifted.
 */
export async function startVerdaccio(opts: { dir: string; logFile: string }): Promise<ServerProcess> {
  const pkgDir = await ensureTool(VERDACCIO);
  await mkdir(join(opts.dir, 'storage'), { recursive: true });
  const config = join(opts.dir, 'config.yaml');
  await writeFile(
    config,
    `storage: ${join(opts.dir, 'storage')}
auth:
  htpasswd:
    file: ${join(opts.dir, 'htpasswd')}
    max_users: 1000
uplinks: {}
packages:
  '@*/*':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
server:
  keepAliveTimeout: 60
max_body_size: 200mb
# Its search and user endpoints are rate limited per client by default (100 per 15 min); the
# load generator is one client, so lift the limit, as ours has none on reads.
userRateLimit:
  windowMs: 1000
  max: 100000000
log:
  type: stdout
  format: json
  level: warn
`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child } = await spawnUntil(
    [join(pkgDir, 'bin', 'verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`],
    { logFile: opts.logFile, cwd: opts.dir },
  );
  try {
    await waitForPing(url, child);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { url, pid: child.pid!, child, logFile: opts.logFile, stop: () => stopChild(child) };
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Verdaccio exited (${child.exitCode}) before answering /-/ping`);
    try {
      const res = await fetch(`${url}/-/ping`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`Verdaccio at ${url} did not answer /-/ping`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Creates a user through Verdaccio's htpasswd plugin (`PUT /-/user/org.couchdb.user:NAME`) and returns its token. */
export async function createVerdaccioUser(
  url: string,
  name = 'bench',
  password = 'bench-password-123',
): Promise<string> {
  const res = await fetch(`${url}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [] }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (res.status !== 201 || !body.token)
    throw new Error(`Verdaccio user: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** The tarball file name npm and Verdaccio use for an unscoped package. */
export function npmTarballName(name: string, version: string): string {
  return `${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

/** Publishes the bundle as an npm package, with the body `npm publish` sends (`PUT /NAME`). */
export async function publishToVerdaccio(
  url: string,
  token: string,
  b: GeneratedBundle,
  version = b.version,
): Promise<void> {
  await putToVerdaccio(url, token, b.name, verdaccioPublishBody(url, b, version));
}

/** The JSON body of `npm publish` for the bundle as an npm package (tarball attached, base64). */
export function verdaccioPublishBody(url: string, b: GeneratedBundle, version = b.version): string {
  const tarball = npmTarball(b, version);
  const file = npmTarballName(b.name, version);
  const pkg = npmPackageJson(b, version);
  const body = {
    _id: b.name,
    name: b.name,
    description: b.description,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        ...pkg,
        _id: `${b.name}@${version}`,
        readme: b.files.find((f) => f.path === 'SKILL.md')?.data.toString('utf8') ?? '',
        dist: {
          integrity: integrityOf(tarball),
          shasum: createHash('sha1').update(tarball).digest('hex'),
          tarball: `${url}/${b.name}/-/${file}`,
        },
      },
    },
    access: null,
    _attachments: {
      [file]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
  };
  return JSON.stringify(body);
}

/** `PUT /NAME` with a publish body; throws unless Verdaccio answers 200 or 201. */
export async function putToVerdaccio(url: string, token: string, name: string, body: string): Promise<void> {
  const res = await fetch(`${url}/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`publishing ${name} to Verdaccio: HTTP ${res.status} ${text.slice(0, 300)}`);
}

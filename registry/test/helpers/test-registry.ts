import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenScope } from '@skills/schemas';
import { buildApp, type createApp } from '../../src/app.ts';
import { generateToken } from '../../src/auth/tokens.ts';
import { createSqliteStore } from '../../src/db/sqlite/sqlite-store.ts';
import type { Store } from '../../src/db/store.ts';
import type { AppDeps, Deps, LogEntry } from '../../src/deps.ts';
import { resolveDeps } from '../../src/deps.ts';
import { createUser } from '../../src/services/create-user.ts';
import { createEphemeralSigner } from '../../src/signing/signer.ts';
import type { BlobStore } from '../../src/storage/blob-store.ts';
import { createFsBlobStore } from '../../src/storage/fs-blob-store.ts';

/** Cheap scrypt for tests; production cost is tested on its own. */
export const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };

export interface TestRegistry {
  app: ReturnType<typeof createApp>;
  /** What the app was built from (its caches, metrics and counters). */
  deps: Deps;
  store: Store;
  blobs: BlobStore;
  /** The blob directory: tests look in it to prove nothing was left behind. */
  blobDir: string;
  dbPath: string;
  logs: LogEntry[];
  /** Creates a user (password `NAME-password-1`) and returns a token of `scope`. */
  user(name: string, options?: { admin?: boolean; scope?: TokenScope; expiresAt?: string }): Promise<string>;
  /** `app.request` with a bearer token and optional body. */
  call(
    method: string,
    path: string,
    options?: {
      token?: string;
      body?: string | Uint8Array<ArrayBuffer>;
      json?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  publish(token: string, name: string, tarball: Buffer, query?: string): Promise<Response>;
  /** Every file under the blob dir (temp files included). */
  blobFiles(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * A registry app on a fresh SQLite file (searches in thread) and blob dir in a temp folder, rate
 * limits off unless given, and a fixed clock when `now` is given. Each test builds its own.
 */
export async function makeTestRegistry(
  overrides: Partial<AppDeps> = {},
  wrap: { store?: (s: Store) => Store; blobs?: (b: BlobStore) => BlobStore } = {},
): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-test-'));
  const dbPath = join(dir, 'registry.db');
  const blobDir = join(dir, 'blobs');
  // Searches stay on the main connection: a search thread starts through tsx under tests, which
  // costs a fraction of a second each; test/search-threads.test.ts tests the threads.
  const store = overrides.store ?? createSqliteStore({ path: dbPath, searchThreads: 0 });
  const blobs = overrides.blobs ?? createFsBlobStore({ dir: blobDir });
  const logs: LogEntry[] = [];
  const appDeps: AppDeps = {
    store: wrap.store ? wrap.store(store) : store,
    blobs: wrap.blobs ? wrap.blobs(blobs) : blobs,
    signer: createEphemeralSigner(),
    rateLimits: false,
    passwordCost: TEST_PASSWORD_COST,
    log: (e) => logs.push(e),
    ...overrides,
  };
  // One resolution shared by the app and the test (caches, metrics), as the server shares it.
  const deps = resolveDeps(appDeps);
  const app = buildApp(deps);

  const call: TestRegistry['call'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body = o.body;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    }
    return Promise.resolve(app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }));
  };

  return {
    app,
    deps,
    store,
    blobs,
    blobDir,
    dbPath,
    logs,
    async user(name, o = {}) {
      if (!(await store.getUser(name))) {
        await createUser({
          deps,
          input: {
            username: name,
            password: `${name}-password-1`,
            admin: o.admin ?? false,
            actor: 'system',
            request: { ip: null, requestId: null },
          },
        });
      }
      const t = generateToken();
      const at = new Date().toISOString();
      await store.createToken(
        {
          id: t.id,
          username: name,
          hash: t.hash,
          prefix: t.prefix,
          scope: o.scope ?? 'publish',
          name: null,
          expiresAt: o.expiresAt ?? null,
          createdAt: at,
          lastUsedAt: null,
          revokedAt: null,
          parentId: null,
        },
        { actor: 'system', at, ip: null, requestId: null },
      );
      return t.token;
    },
    call,
    publish(token, name, tarball, query = '') {
      return call('PUT', `/v1/bundles/${name}${query}`, {
        token,
        body: new Uint8Array(tarball),
        headers: { 'content-type': 'application/gzip' },
      });
    },
    async blobFiles() {
      const out: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
          if (e.isDirectory()) await walk(join(d, e.name));
          else out.push(join(d, e.name).slice(blobDir.length + 1));
        }
      };
      await walk(blobDir);
      return out.sort();
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

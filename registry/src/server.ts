import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from './app.ts';
import { openStore } from './db/open-store.ts';
import type { Store } from './db/store.ts';
import { type AppDeps, type LogEntry, type RateLimitRules, resolveDeps } from './deps.ts';
import { createDocumentCache, DEFAULT_CHANGE_POLL_MS } from './document-cache.ts';
import { type MarketplaceConfig, marketplaceConfigProblem } from './domain/marketplace-catalog.ts';
import { createBatchedDownloads } from './downloads.ts';
import { withFastLane } from './http/fast-lane.ts';
import { createRegistryMetrics } from './metrics/registry-metrics.ts';
import {
  type ConnectionCaps,
  capConnections,
  DEFAULT_SERVER_LIMITS,
  parseLimits,
  type ServerLimits,
  timeoutOptions,
} from './server-limits.ts';
import { seedBundles } from './services/seed-bundles.ts';
import { seedUsers, type TestUser } from './services/seed-users.ts';
import { loadOrCreateSigner, loadSigner } from './signing/signer.ts';
import { openBlobStore } from './storage/open-blob-store.ts';
import { createUploadBudget } from './uploads/upload-budget.ts';
import { createWorkerPool } from './uploads/worker-pool.ts';

/** How long SIGTERM waits for in-flight requests before cutting connections. */
const DRAIN_MS = 10_000;

export interface ServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4873; 0 picks a free port. */
  port?: number;
  /** Holds `registry.db`, `blobs/` and `keys/` unless URLs say otherwise. Created if missing. */
  dataDir: string;
  /** Unset → SQLite in the data dir; see `openStore`. */
  databaseUrl?: string;
  /** Unset → `DATA_DIR/blobs`; see `openBlobStore`. */
  blobStore?: string;
  /**
   * The registry's public URL (tarball URLs, the discovery index); default the address it
   * listens on, `http://HOST:PORT`. Never taken from request headers.
   */
  publicUrl?: string;
  /** An Ed25519 PEM key file shared by every process; unset → `DATA_DIR/keys/ed25519.pem`, created if missing. */
  signingKey?: string;
  /** Sign-up open (default true). */
  signup?: boolean;
  /** Publish every bundle folder here that is not published yet, as the `system` user. */
  seedDir?: string;
  /** Users to create at start (if missing), each with a publish token: for tests and demos. */
  users?: TestUser[];
  rateLimits?: Partial<RateLimitRules> | false;
  /** One call per JSON log line; default: none. The command line writes them to stderr. */
  log?: (entry: LogEntry) => void;
  /** Name, owner and size of the marketplace catalogs (docs/marketplace.md). */
  marketplace?: Partial<MarketplaceConfig>;
  /** Timeouts, connection caps, the upload pool and search threads; each unset one has its default. */
  limits?: Partial<ServerLimits>;
  /**
   * On close, how long `/v1/health` answers 503 before the listener closes, so a load balancer
   * checking it stops sending new requests first. Default 0.
   */
  drainDelayMs?: number;
  /** Extra app deps, for tests (a fixed clock, small archive limits, …). */
  deps?: Partial<AppDeps>;
}

export interface RunningServer {
  /** `http://HOST:PORT`, with the real port. */
  url: string;
  port: number;
  /** The token of each user in `options.users`, by username. */
  tokens: Record<string, string>;
  store: Store;
  /** What the connection caps turned away, for tests and operators. */
  connections: ConnectionCaps;
  /** Upload bytes reserved now (see `ServerLimits.maxUploadBytesInFlight`). */
  uploadBytesInFlight(): number;
  /**
   * Fails health checks for `drainDelayMs`, stops accepting, lets in-flight requests finish,
   * flushes download counts, closes storage.
   */
  close(): Promise<void>;
}

/**
 * Starts a registry: opens storage, loads (or creates) the signing key, builds the app and
 * listens. With a temp `dataDir` and `port: 0` it needs no other setup, so end-to-end tests run
 * a real registry in-process.
 * @example const server = await startServer({ port: 0, dataDir: tmp, users: [{ username: 'alice' }] })
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? (() => {});
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  if (options.publicUrl !== undefined) checkPublicUrl(options.publicUrl);
  const store = await openStore(options.databaseUrl, dataDir, { searchThreads: limits.searchThreads });
  if (store.kind === 'postgres' && options.limits?.searchThreads !== undefined) {
    // Accepted so that one environment serves SQLite and PostgreSQL deployments alike; said once.
    log({
      level: 'warn',
      msg: '--search-threads (SKILLS_SEARCH_THREADS) is ignored on PostgreSQL: its searches run in the database server',
    });
  }
  const uploadBudget = createUploadBudget(limits.maxUploadBytesInFlight);
  const uploadPool =
    options.deps?.uploadPool ??
    createWorkerPool({
      size: limits.uploadWorkers,
      budgetMs: limits.uploadTimeoutMs,
      queueLimit: limits.uploadQueue,
    });
  let stopDocuments = () => {};
  try {
    const blobs = await openBlobStore(options.blobStore, dataDir, process.env);
    await blobs.ready?.();
    const signer = options.signingKey
      ? await loadSigner(options.signingKey)
      : await loadOrCreateSigner(dataDir);
    await store.registerSigningKey({
      keyid: signer.keyid,
      publicKey: signer.publicKey,
      createdAt: signer.createdAt,
    });
    const downloads = createBatchedDownloads({
      store,
      onError: (e) => log({ level: 'error', msg: 'download count flush failed', error: String(e) }),
    });
    // Other processes on this database change documents too: poll the store's change counter.
    const documents = createDocumentCache({
      store,
      pollMs: DEFAULT_CHANGE_POLL_MS,
      onError: (e) => log({ level: 'error', msg: 'document change poll failed', error: String(e) }),
    });
    stopDocuments = () => documents.stop();
    await documents.poll();
    // Without --public-url, URLs are built on the address bound, known once listening.
    let listeningUrl = '';
    let draining = false;
    const appDeps: AppDeps = {
      draining: () => draining,
      store,
      blobs,
      signer,
      downloads,
      documents,
      log,
      metrics: createRegistryMetrics(),
      uploadPool,
      bodyIdleMs: limits.bodyIdleMs,
      uploadBudget,
      publicUrl: options.publicUrl ?? (() => listeningUrl),
      ...(options.signup !== undefined ? { signup: options.signup } : {}),
      ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}),
      ...(options.marketplace ? { marketplace: options.marketplace } : {}),
      ...options.deps,
    };
    const deps = resolveDeps(appDeps);
    const app = buildApp(deps);
    const tokens = await seedUsers({ deps, input: { users: options.users ?? [] } });
    if (options.seedDir) await seedBundles({ deps, input: { dir: resolve(options.seedDir) } });

    // The hot GETs this process can answer from memory take the fast lane; the app answers the rest.
    const server = createServer(timeoutOptions(limits), withFastLane(deps, app.fetch));
    // Expect: 100-continue goes to the app like any request; readBody sends "100 Continue" only
    // when a handler reads the body, so a refusal decided first is never invited to upload.
    server.on('checkContinue', (req, res) => server.emit('request', req, res));
    const connections = capConnections(server, limits);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 4873, host, () => {
        server.off('error', fail);
        ok();
      });
    });
    const port = (server.address() as AddressInfo).port;
    listeningUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (options.publicUrl === undefined && (host === '0.0.0.0' || host === '::')) {
      log({
        level: 'warn',
        msg: `listening on every interface without --public-url: tarball URLs name ${listeningUrl}; set --public-url to the address clients use`,
      });
    }
    let closing: Promise<void> | undefined;
    return {
      url: listeningUrl,
      port,
      tokens,
      store,
      connections,
      uploadBytesInFlight: () => uploadBudget.inFlight(),
      close() {
        closing ??= (async () => {
          draining = true;
          if (options.drainDelayMs) await new Promise((ok) => setTimeout(ok, options.drainDelayMs));
          await new Promise<void>((ok) => {
            const http = server;
            // Connections that finish their request while draining go idle: close those too.
            const sweep = setInterval(() => http.closeIdleConnections(), 50);
            const force = setTimeout(() => http.closeAllConnections(), DRAIN_MS);
            http.close(() => {
              clearInterval(sweep);
              clearTimeout(force);
              ok();
            });
            http.closeIdleConnections();
          });
          await downloads.stop();
          documents.stop();
          await uploadPool.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    stopDocuments();
    await uploadPool.close();
    await store.close();
    throw error;
  }
}

/** Where data lives when no flag says: `SKILLS_DATA_DIR`, else `$XDG_DATA_HOME/skills-registry`, else `~/.local/share/skills-registry`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SKILLS_DATA_DIR) return env.SKILLS_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'skills-registry');
}

/**
 * Fills serve options from the environment where flags left them unset: HOST, PORT,
 * SKILLS_DATA_DIR, DATABASE_URL, SKILLS_BLOB_STORE, SKILLS_PUBLIC_URL, and each limit's variable
 * (`LIMIT_SETTINGS`). The only reader of the environment besides `defaultDataDir`.
 * @throws Error for a limit that is not a positive whole number.
 * SKILLS_DATA_DIR, DATABASE_URL, SKILLS_BLOB_STORE, SKILLS_PUBLIC_URL, SKILLS_SIGNING_KEY,
 * SKILLS_DRAIN_DELAY (seconds). The only reader of the
 * environment besides `defaultDataDir`.
 */
export function withEnvironment(
  flags: Partial<ServerOptions>,
  env: NodeJS.ProcessEnv = process.env,
): ServerOptions {
  const port = flags.port ?? (env.PORT ? parsePort(env.PORT) : undefined);
  const databaseUrl = flags.databaseUrl ?? (env.DATABASE_URL || undefined);
  const blobStore = flags.blobStore ?? (env.SKILLS_BLOB_STORE || undefined);
  const publicUrl = flags.publicUrl ?? (env.SKILLS_PUBLIC_URL || undefined);
  const marketplace = {
    ...(env.SKILLS_MARKETPLACE_NAME ? { name: env.SKILLS_MARKETPLACE_NAME } : {}),
    ...(env.SKILLS_MARKETPLACE_OWNER ? { owner: env.SKILLS_MARKETPLACE_OWNER } : {}),
    ...(env.SKILLS_MARKETPLACE_SIZE ? { size: Number(env.SKILLS_MARKETPLACE_SIZE) } : {}),
    ...flags.marketplace,
  };
  const problem = marketplaceConfigProblem(marketplace);
  if (problem) throw new Error(problem);
  const limits = { ...parseLimits(env, (s) => s.env), ...flags.limits };
  const signingKey = flags.signingKey ?? (env.SKILLS_SIGNING_KEY || undefined);
  const drainDelayMs =
    flags.drainDelayMs ?? (env.SKILLS_DRAIN_DELAY ? parseSeconds(env.SKILLS_DRAIN_DELAY) * 1000 : undefined);
  return {
    ...flags,
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    host: flags.host ?? (env.HOST || '127.0.0.1'),
    ...(port !== undefined ? { port } : {}),
    dataDir: flags.dataDir ?? defaultDataDir(env),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(blobStore ? { blobStore } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(Object.keys(marketplace).length > 0 ? { marketplace } : {}),
    ...(signingKey ? { signingKey } : {}),
    ...(drainDelayMs !== undefined ? { drainDelayMs } : {}),
  };
}

/** @throws Error unless `url` is an absolute http(s) URL without query or fragment. */
function checkPublicUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--public-url must be an absolute URL such as https://skills.example.com, not "${url}"`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash || parsed.username) {
    throw new Error(`--public-url must be a plain http(s) URL (no query, fragment or credentials): "${url}"`);
  }
}

/** Whole seconds, 0–600: how long a stopping process keeps failing health checks before closing. */
export function parseSeconds(text: string): number {
  const n = Number(text);
  if (!/^\d{1,3}$/.test(text) || n > 600) throw new Error(`not a number of seconds from 0 to 600: ${text}`);
  return n;
}

export function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535) throw new Error(`not a port number: ${text}`);
  return n;
}

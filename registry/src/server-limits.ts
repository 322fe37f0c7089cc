import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { DEFAULT_SEARCH_THREADS } from './db/sqlite/connection.ts';
import { DEFAULT_BODY_IDLE_MS, DEFAULT_MAX_UPLOAD_BYTES_IN_FLIGHT } from './deps.ts';

/**
 * The guards of a listening registry against slow and greedy clients and costly uploads
 * (docs/security.md rows 18, 19), and the sizes of its worker thread pools. Every one has a
 * `serve` flag and an environment variable (docs/http-api.md, "The server").
 */
export interface ServerLimits {
  /** A request whose headers are not complete after this long is dropped. */
  headersTimeoutMs: number;
  /** A request whose body is not complete after this long is dropped. */
  requestTimeoutMs: number;
  /** A request body that sends nothing for this long is answered 408 and closed. */
  bodyIdleMs: number;
  /** Open connections at once; one more is closed at accept. */
  maxConnections: number;
  /** Open connections from one client address; one more is closed at accept. */
  maxConnectionsPerAddress: number;
  /** Upload bytes held at once across all publishes; past it, 503 with Retry-After. */
  maxUploadBytesInFlight: number;
  /** Worker threads reading, inspecting and re-packing uploads. */
  uploadWorkers: number;
  /** Time budget of one upload on a worker; past it the worker is replaced and the upload refused. */
  uploadTimeoutMs: number;
  /** Uploads waiting for a worker; one more is 503 with Retry-After. */
  uploadQueue: number;
  /**
   * Worker threads running searches on a SQLite database file, 0 to `MAX_SEARCH_THREADS`
   * (0: on the main connection). PostgreSQL searches in the server: there it is ignored.
   */
  searchThreads: number;
}

/**
 * The most search threads `serve` accepts. Fixed rather than derived from the machine's cores, so
 * one configuration is valid on every host; past a thread or two per core, more threads only
 * compete with the event loop (and each holds its own connection and page cache).
 */
export const MAX_SEARCH_THREADS = 16;

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  bodyIdleMs: DEFAULT_BODY_IDLE_MS,
  maxConnections: 512,
  maxConnectionsPerAddress: 64,
  maxUploadBytesInFlight: DEFAULT_MAX_UPLOAD_BYTES_IN_FLIGHT,
  uploadWorkers: Math.min(2, availableParallelism()),
  uploadTimeoutMs: 20_000,
  uploadQueue: 64,
  searchThreads: DEFAULT_SEARCH_THREADS,
};

/** Counts of what the connection caps turned away. */
export interface ConnectionCaps {
  open(): number;
  refused(): number;
}

/**
 * Caps open connections, globally and per remote address: a socket over either cap is destroyed
 * as soon as it is accepted, before any byte of it is parsed. A socket that has not sent a whole
 * request head within `headersTimeoutMs` of connecting is destroyed too: Node's header timeout
 * starts only with the first byte, so a silent socket would otherwise stay open for ever.
 */
export function capConnections(server: Server, limits: ServerLimits): ConnectionCaps {
  const byAddress = new Map<string, number>();
  const firstRequest = new WeakMap<Socket, NodeJS.Timeout>();
  let open = 0;
  let refused = 0;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const mine = byAddress.get(address) ?? 0;
    if (open >= limits.maxConnections || mine >= limits.maxConnectionsPerAddress) {
      refused++;
      socket.destroy();
      return;
    }
    open++;
    byAddress.set(address, mine + 1);
    const silent = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    silent.unref();
    firstRequest.set(socket, silent);
    socket.once('close', () => {
      clearTimeout(silent);
      open--;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
    });
  });
  server.on('request', (request: IncomingMessage) => {
    const socket = request.socket;
    clearTimeout(firstRequest.get(socket));
    firstRequest.delete(socket);
  });
  return { open: () => open, refused: () => refused };
}

/**
 * Node's own timeouts: headers and whole requests. Node checks them every
 * `connectionsCheckingInterval`, so that interval is a fraction of the shorter one.
 */
export function timeoutOptions(limits: ServerLimits): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** How a limit is set from the command line and the environment, and its range (default 1 up). */
export interface LimitSetting {
  key: keyof ServerLimits;
  flag: string;
  env: string;
  min?: number;
  max?: number;
}

/** How each limit is set from the command line and the environment (flags win). */
export const LIMIT_SETTINGS: LimitSetting[] = [
  { key: 'headersTimeoutMs', flag: 'headers-timeout', env: 'SKILLS_HEADERS_TIMEOUT_MS' },
  { key: 'requestTimeoutMs', flag: 'request-timeout', env: 'SKILLS_REQUEST_TIMEOUT_MS' },
  { key: 'bodyIdleMs', flag: 'body-idle-timeout', env: 'SKILLS_BODY_IDLE_TIMEOUT_MS' },
  { key: 'maxConnections', flag: 'max-connections', env: 'SKILLS_MAX_CONNECTIONS' },
  {
    key: 'maxConnectionsPerAddress',
    flag: 'max-connections-per-address',
    env: 'SKILLS_MAX_CONNECTIONS_PER_ADDRESS',
  },
  {
    key: 'maxUploadBytesInFlight',
    flag: 'max-upload-bytes-in-flight',
    env: 'SKILLS_MAX_UPLOAD_BYTES_IN_FLIGHT',
  },
  { key: 'uploadWorkers', flag: 'upload-workers', env: 'SKILLS_UPLOAD_WORKERS' },
  { key: 'uploadTimeoutMs', flag: 'upload-timeout', env: 'SKILLS_UPLOAD_TIMEOUT_MS' },
  { key: 'uploadQueue', flag: 'upload-queue', env: 'SKILLS_UPLOAD_QUEUE' },
  {
    key: 'searchThreads',
    flag: 'search-threads',
    env: 'SKILLS_SEARCH_THREADS',
    min: 0,
    max: MAX_SEARCH_THREADS,
  },
];

/**
 * The limits named in `values` (by flag or by env name, as `nameOf` picks), each a whole number
 * in its setting's range (a positive one unless the setting says otherwise). A missing or empty
 * value is left unset.
 * @throws Error naming the setting for anything else.
 */
export function parseLimits(
  values: Record<string, string | undefined>,
  nameOf: (setting: LimitSetting) => string,
): Partial<ServerLimits> {
  const limits: Partial<ServerLimits> = {};
  for (const setting of LIMIT_SETTINGS) {
    const name = nameOf(setting);
    const text = values[name];
    if (text === undefined || text === '') continue;
    const { min = 1, max = Number.MAX_SAFE_INTEGER } = setting;
    const n = Number(text);
    if (!/^\d{1,15}$/.test(text) || n < min || n > max) {
      const range =
        setting.min === undefined && setting.max === undefined
          ? 'a positive whole number'
          : `a whole number from ${min} to ${max}`;
      throw new Error(`${name}: "${text.slice(0, 40)}" is not ${range}`);
    }
    limits[setting.key] = n;
  }
  return limits;
}

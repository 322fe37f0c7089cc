/**
 * `@skills/registry`: the agent skills registry as a library. `startServer` runs a real one
 * (tests use it on port 0 with a temp data dir); `createApp` builds the HTTP app from deps.
 */
export { createApp } from './app.ts';
export type { StoreOptions } from './db/create-store.ts';
export { openStore } from './db/open-store.ts';
export type { SearchCacheOptions } from './db/search-cache.ts';
export type { SqliteOptions } from './db/sqlite/connection.ts';
export { createSqliteStore } from './db/sqlite/sqlite-store.ts';
export type * from './db/store.ts';
export {
  type AppDeps,
  DEFAULT_RATE_LIMITS,
  type LogEntry,
  type RateLimitRule,
  type RateLimitRules,
} from './deps.ts';
export { createBatchedDownloads, type DownloadCounter } from './downloads.ts';
export { RegistryError } from './errors.ts';
export { defaultDataDir, type RunningServer, type ServerOptions, startServer } from './server.ts';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.ts';
export type { TestUser } from './services/seed-users.ts';
export { createEphemeralSigner, loadOrCreateSigner, type Signer, signedMessage } from './signing/signer.ts';
export { type BlobStore, blobDigest } from './storage/blob-store.ts';
export { createFsBlobStore } from './storage/fs-blob-store.ts';
export { createMemoryBlobStore } from './storage/memory-blob-store.ts';
export { openBlobStore } from './storage/open-blob-store.ts';
export { createInProcessPool, type UploadPool } from './uploads/upload-pool.ts';
export { createWorkerPool, type WorkerPoolOptions } from './uploads/worker-pool.ts';

import { type ArchiveLimits, DEFAULT_LIMITS } from '@skills/archive';
import { DEFAULT_PASSWORD_COST, type PasswordCost } from './auth/password.ts';
import type { NpmArtifact, Store } from './db/store.ts';
import { createDocumentCache, type DocumentCache } from './document-cache.ts';
import type { GitRepo } from './domain/git-repo.ts';
import { DEFAULT_MARKETPLACE, type MarketplaceConfig } from './domain/marketplace-catalog.ts';
import type { SkillArtifactInfo } from './domain/skill-artifacts.ts';
import type { DownloadCounter } from './downloads.ts';
import { createLru, type Lru } from './lru.ts';
import { createRegistryMetrics, type RegistryMetrics } from './metrics/registry-metrics.ts';
import type { Signer } from './signing/signer.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createTarballCache, type TarballCache } from './tarball-cache.ts';
import { createUploadBudget, type UploadBudget } from './uploads/upload-budget.ts';
import { createInProcessPool, type UploadPool } from './uploads/upload-pool.ts';

/** A token bucket: `capacity` in a burst, one more every `refillMs`. */
export interface RateLimitRule {
  capacity: number;
  refillMs: number;
  /**
   * Tokens a process takes from the shared bucket at once and spends from memory (default 1:
   * every take asks the store). A lease is spent within `lease × refillMs` or dropped, so a
   * client gets at most `capacity + (lease - 1)` per process in any burst, and over time never
   * more than the bucket refills. With a lease, a refusal is also remembered until its
   * `Retry-After` (whole seconds, so up to a second longer than the bucket needs).
   */
  lease?: number;
}

/**
 * Tokens leased from a shared bucket: `tokens` left to spend until `untilMs`; or, `refused`, a
 * refusal to repeat without asking the store until `untilMs` (its `Retry-After`).
 */
export interface RateLease {
  tokens: number;
  untilMs: number;
  refused: boolean;
}

/** Which actions are limited, per caller (user for publish, client address otherwise). */
export interface RateLimitRules {
  publish: RateLimitRule;
  /** Token creation and password checks. */
  login: RateLimitRule;
  signup: RateLimitRule;
  /** `GET /v1/search` and the marketplace `/search` page. */
  search: RateLimitRule;
}

export const DEFAULT_RATE_LIMITS: RateLimitRules = {
  publish: { capacity: 60, refillMs: 10_000 },
  login: { capacity: 30, refillMs: 2_000 },
  signup: { capacity: 20, refillMs: 60_000 },
  // A burst of 120, then 2 a second: a person typing or a CI job never meets it; a scraper does.
  // Leased 10 at a time: one database write per 10 searches from an address, not per search.
  search: { capacity: 120, refillMs: 500, lease: 10 },
};

/** One JSON log line. */
export type LogEntry = Record<string, unknown> & { level: 'info' | 'warn' | 'error'; msg: string };

/** What `createApp` is built from. Only `store`, `blobs` and `signer` are required. */
export interface AppDeps {
  store: Store;
  blobs: BlobStore;
  signer: Signer;
  /** Counts tarball downloads; default: written straight to the store (no batching, no timer). */
  downloads?: DownloadCounter;
  clock?: () => Date;
  log?: (entry: LogEntry) => void;
  /** Request, publish, error and download counts served at `/metrics`; default: a fresh set. */
  metrics?: RegistryMetrics;
  /**
   * The registry's public URL, the base of tarball URLs and the discovery index: a URL, or a
   * getter (the server passes one that answers the address it listens on, known only after
   * listening). Never taken from a request's headers. Default `http://localhost`, the origin of
   * `app.request()` in tests.
   */
  publicUrl?: string | (() => string);
  /** Whether `POST /v1/users` is open. Default true. */
  signup?: boolean;
  /** Rate limits; `false` turns them off. */
  rateLimits?: Partial<RateLimitRules> | false;
  /** Archive caps at publish; the upload body is capped at `maxCompressedBytes`. */
  archiveLimits?: Partial<ArchiveLimits>;
  passwordCost?: PasswordCost;
  /** Use the first `X-Forwarded-For` address as the client's (behind a trusted proxy only). */
  trustProxy?: boolean;
  /** Bundles with at least this many downloads count as popular for the close-name flag. */
  popularDownloads?: number;
  /** The name, owner and size of the marketplace catalogs (docs/marketplace.md). */
  marketplace?: Partial<MarketplaceConfig>;
  /** Where a publish's archive work runs; default: in process. `startServer` passes worker threads. */
  uploadPool?: UploadPool;
  /** A request body that sends nothing for this long is answered 408 and its connection closed. */
  bodyIdleMs?: number;
  /** Caps upload bytes held at once across all publishes; default 64 MiB for this app alone. */
  uploadBudget?: UploadBudget;
  /** Bytes of tarballs kept in memory (each at most 1/8 of it; bigger ones stream). Default 64 MiB. */
  tarballCacheBytes?: number;
  /**
   * Cached bundle documents. Default: one kept current by this store object's own writes only
   * (right for one process); `startServer` passes one that also polls the store's changes.
   */
  documents?: DocumentCache;
  /** True once the process is stopping: `/v1/health` then answers 503. Default: never. */
  draining?: () => boolean;
}

/** AppDeps with every default filled in: what services receive. */
export interface Deps
  extends Required<
    Omit<AppDeps, 'publicUrl' | 'rateLimits' | 'archiveLimits' | 'marketplace' | 'tarballCacheBytes'>
  > {
  marketplace: MarketplaceConfig;
  /** The git repositories of recent catalogs, by the catalog's text (pure functions of it). */
  marketplaceRepos: Map<string, GitRepo>;
  /** The public URL without a trailing slash. */
  publicUrl: () => string;
  /** `publicUrl` when it was configured (a string), not derived from the listening address. */
  configuredPublicUrl: string | undefined;
  rateLimits: RateLimitRules | false;
  archiveLimits: ArchiveLimits;
  /** Serialised bundle documents, kept current by the store's changes (`document-cache.ts`). */
  documents: DocumentCache;
  tarballCache: TarballCache;
  /** npm package builds in flight in this process, by name@version (one build each). */
  npmBuilds: Map<string, Promise<NpmArtifact>>;
  /** The discovery artifacts of a version's skills, by the version's integrity (they never change). */
  skillArtifacts: Lru<SkillArtifactInfo[]>;
  /** Rate-limit tokens this process leased from the store's buckets, by bucket key. */
  rateLeases: Lru<RateLease>;
  now(): string;
}

/** Largest JSON request body accepted anywhere. */
export const MAX_JSON_BYTES = 64 * 1024;

/** Defaults of the slow-client guards (docs/security.md row 19); `serve` flags override them. */
export const DEFAULT_BODY_IDLE_MS = 30_000;
export const DEFAULT_MAX_UPLOAD_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

export function resolveDeps(deps: AppDeps): Deps {
  const clock = deps.clock ?? (() => new Date());
  return {
    store: deps.store,
    blobs: deps.blobs,
    signer: deps.signer,
    downloads: deps.downloads ?? directDownloads(deps.store),
    clock,
    now: () => clock().toISOString(),
    log: deps.log ?? (() => {}),
    metrics: deps.metrics ?? createRegistryMetrics(),
    publicUrl: publicUrlOf(deps.publicUrl),
    configuredPublicUrl: typeof deps.publicUrl === 'string' ? deps.publicUrl.replace(/\/+$/, '') : undefined,
    signup: deps.signup ?? true,
    rateLimits: deps.rateLimits === false ? false : { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits },
    archiveLimits: { ...DEFAULT_LIMITS, ...deps.archiveLimits },
    passwordCost: deps.passwordCost ?? DEFAULT_PASSWORD_COST,
    trustProxy: deps.trustProxy ?? false,
    popularDownloads: deps.popularDownloads ?? 1000,
    marketplace: { ...DEFAULT_MARKETPLACE, ...deps.marketplace },
    marketplaceRepos: new Map(),
    draining: deps.draining ?? (() => false),
    documents: deps.documents ?? createDocumentCache({ store: deps.store }),
    tarballCache: createTarballCache(deps.tarballCacheBytes),
    npmBuilds: new Map(),
    uploadPool: deps.uploadPool ?? createInProcessPool(),
    bodyIdleMs: deps.bodyIdleMs ?? DEFAULT_BODY_IDLE_MS,
    uploadBudget: deps.uploadBudget ?? createUploadBudget(DEFAULT_MAX_UPLOAD_BYTES_IN_FLIGHT),
    skillArtifacts: createLru(4096),
    rateLeases: createLru(10_000),
  };
}

function publicUrlOf(given: AppDeps['publicUrl']): () => string {
  if (typeof given === 'function') return () => given().replace(/\/+$/, '');
  const fixed = (given ?? 'http://localhost').replace(/\/+$/, '');
  return () => fixed;
}

function directDownloads(store: Store): DownloadCounter {
  return {
    count(name) {
      void store.addDownloads(new Map([[name, 1]])).catch(() => {});
    },
    async flush() {},
    async stop() {},
  };
}

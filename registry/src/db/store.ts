import type { TokenScope } from '@skills/schemas';
import type { ScopeClaimRefusal } from '../domain/look-alike.ts';
import type { SearchMatch } from '../domain/search-query.ts';
import type { StoredVersion } from '../domain/version-document.ts';

/**
 * The metadata store port. Every method is one unit of work: the writes it makes happen in one
 * transaction, so a refusal or a crash leaves nothing half-done. Adapters (`sqlite/`, `pg/`)
 * are factories returning this interface; `test/store-contract.ts` is the
 * behaviour every adapter must show. Timestamps are ISO-8601 strings; the caller supplies them,
 * so no adapter reads the clock.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Worker threads of this process that run searches (SQLite on a database file, `searchThreads`);
   * 0 where searches run on the main connection or in the database server (PostgreSQL).
   */
  readonly searchThreads: number;

  /** Creates a user unless the name is taken, or looks like a taken one (`findLookAlike`). */
  createUser(user: UserRecord, audit: AuditContext): Promise<'created' | 'exists' | { lookAlike: string }>;
  getUser(username: string): Promise<UserRecord | undefined>;

  /**
   * Stores a token. With a `parentId`, only while that token is live (not revoked): false when it
   * was revoked meanwhile, so a child is never left behind a revocation.
   */
  createToken(token: TokenRecord, audit: AuditContext): Promise<boolean>;
  /** The token whose sha256 hex is `hash`, with its user's admin flag; revoked and expired ones too. */
  findToken(hash: string): Promise<(TokenRecord & { admin: boolean }) | undefined>;
  listTokens(username: string): Promise<TokenRecord[]>;
  /**
   * Marks the caller's token revoked, with every live token minted from it (children, their
   * children, …); false when the caller has no such live token.
   */
  revokeToken(input: { username: string; id: string }, audit: AuditContext): Promise<boolean>;
  /** Records a use; adapters may skip the write when the last one is recent. */
  touchToken(id: string, at: string): Promise<void>;

  /** The cheap read behind ETags: no document is built. */
  getBundleHead(name: string): Promise<BundleHead | undefined>;
  getBundle(name: string): Promise<BundleSnapshot | undefined>;
  /** The owners of bundle `name`, by username; empty when there is no such bundle (one always keeps one). */
  listOwners(name: string): Promise<string[]>;
  getVersion(name: string, version: string): Promise<VersionRecord | undefined>;
  /** Bundles whose folded name equals `folded` (at most one, by the UNIQUE constraint). */
  findFolded(folded: string): Promise<string | undefined>;
  /** Whether name@version was ever published, even if since removed. */
  wasPublished(name: string, version: string): Promise<boolean>;
  /** Latest version of every bundle that has one, for the discovery index. */
  listLatest(): Promise<VersionRecord[]>;
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * The page `search` would answer from this process's search cache at once, without any work
   * (see `SearchCache.peek`), synchronously; undefined when `search` has something to do, and
   * always without a cache.
   */
  peekSearch(query: SearchQuery): SearchPage | undefined;
  /** Bundles `username` owns (directly, not through a scope), by name; for the `/~USER` page. */
  listBundlesByOwner(username: string): Promise<BundleRecord[]>;

  /**
   * Claims name@version for one publish attempt before its blob is placed, and runs every check
   * the commit will run again (outside the write lock: the commit is the authority). A claim
   * older than `staleBefore` is taken over.
   */
  reservePublish(input: PublishClaim): Promise<PublishOutcome>;
  /** The one publish transaction; re-checks everything, inserts all rows, drops the claim. */
  commitPublish(input: PublishCommit, audit: AuditContext): Promise<PublishOutcome>;
  /** Drops a claim that will not be committed. */
  releasePublish(input: { name: string; version: string; nonce: string }): Promise<void>;

  setDistTag(input: { name: string; tag: string; version: string }, audit: AuditContext): Promise<TagOutcome>;
  removeDistTag(input: { name: string; tag: string }, audit: AuditContext): Promise<TagOutcome>;
  setDeprecated(
    input: { name: string; version: string; message: string | null },
    audit: AuditContext,
  ): Promise<boolean>;
  /** Yanks or unyanks; `latest` moves as docs/http-api.md says. False when no such version. */
  setYanked(input: { name: string; version: string; yanked: boolean }, audit: AuditContext): Promise<boolean>;

  addOwner(input: { name: string; username: string }, audit: AuditContext): Promise<OwnerOutcome>;
  removeOwner(input: { name: string; username: string }, audit: AuditContext): Promise<OwnerOutcome>;
  getScopeOwners(scope: string): Promise<string[]>;
  addScopeOwner(input: { scope: string; username: string }, audit: AuditContext): Promise<OwnerOutcome>;
  removeScopeOwner(input: { scope: string; username: string }, audit: AuditContext): Promise<OwnerOutcome>;

  /**
   * Adds counted downloads and records the change (`changesSince`); the revision stays (ETags
   * include the count).
   */
  addDownloads(counts: ReadonlyMap<string, number>): Promise<void>;

  /**
   * The store-wide change counter and, when `since` is given, every bundle whose document or
   * downloads changed after counter value `since` (by any process on this database). Without
   * `since`, only the counter. Two reads: the counter, and the changed rows only when it moved.
   */
  changesSince(since: number | undefined): Promise<ChangeBatch>;
  /**
   * Calls `listener` after each write made through this store object that may have changed a
   * bundle document (`downloads` undefined) or changed only its downloads (`downloads` the new
   * total). Returns the unsubscribe function. Other processes' writes come through `changesSince`.
   */
  onBundleChange(listener: (change: BundleChange) => void): () => void;
  /** One token-bucket take (or a lease of several), shared by every process on this store. */
  takeRateLimit(input: RateLimitTake): Promise<RateLimitResult>;

  /** Public keys of every registry process that signed with this store. */
  registerSigningKey(key: SigningKeyRecord): Promise<void>;
  listSigningKeys(): Promise<SigningKeyRecord[]>;

  /** The npm packages built so far from `name`'s versions (docs/marketplace.md), by version. */
  getNpmArtifacts(name: string): Promise<NpmArtifact[]>;
  /**
   * Records the npm package built from name@version. The first record wins: a second (another
   * process built the same deterministic bytes) changes nothing. Returns the stored record.
   */
  putNpmArtifact(artifact: NpmArtifact): Promise<NpmArtifact>;

  listAudit(filter?: { target?: string; limit?: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export interface UserRecord {
  username: string;
  /** `scrypt$…`, or null for a user that cannot log in (the seeding system user). */
  passwordHash: string | null;
  email: string | null;
  admin: boolean;
  createdAt: string;
}

export interface TokenRecord {
  id: string;
  username: string;
  /** Hex sha256 of the token; the token itself is never stored. */
  hash: string;
  /** The first characters of the token, to tell tokens apart in lists. */
  prefix: string;
  scope: TokenScope;
  name: string | null;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The token this one was minted with; null when a password or the admin command made it. */
  parentId: string | null;
}

/** Who made a write, from where; every write is recorded in the audit log with it. */
export interface AuditContext {
  actor: string;
  at: string;
  ip: string | null;
  requestId: string | null;
}

export interface AuditEntry extends AuditContext {
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
}

/** What `changesSince` answers. */
export interface ChangeBatch {
  /** The counter now; pass it as `since` next time. */
  seq: number;
  bundles: { name: string; revision: number; downloads: number }[];
}

/** A write to one bundle made in this process (see `Store.onBundleChange`). */
export interface BundleChange {
  name: string;
  /** Set when only the download count changed: the new total. */
  downloads?: number;
}

export interface BundleHead {
  revision: number;
  downloads: number;
}

export interface BundleRecord {
  name: string;
  scope: string | null;
  description: string;
  category: string | null;
  keywords: string[];
  createdAt: string;
  updatedAt: string;
  downloads: number;
  /** Bumped by every change to the bundle or its versions, tags and owners. */
  revision: number;
  latestPinned: boolean;
  /** A popular bundle whose name is one edit away, recorded at creation (docs/security.md row 10). */
  closeTo: string | null;
}

export interface VersionRecord {
  name: string;
  version: string;
  integrity: string;
  /** Hex sha256 of the tarball: the blob key and the discovery digest. */
  sha256: string;
  size: number;
  document: StoredVersion;
  publishedBy: string;
  publishedAt: string;
  deprecated: string | null;
  yanked: boolean;
}

export interface BundleSnapshot {
  bundle: BundleRecord;
  versions: VersionRecord[];
  distTags: Record<string, string>;
  owners: string[];
}

export interface SearchQuery {
  /** Terms to match (see `toMatchExpressions`); undefined lists every bundle by downloads. */
  match?: SearchMatch;
  category?: string;
  limit: number;
  offset: number;
}

export interface SearchHit {
  name: string;
  version: string;
  description: string;
  category: string | null;
  keywords: string[];
  downloads: number;
  score: number;
}

export interface SearchPage {
  total: number;
  hits: SearchHit[];
}

export interface PublishActor {
  username: string;
  admin: boolean;
}

export interface PublishClaim {
  name: string;
  version: string;
  actor: PublishActor;
  /** Random, identifies this attempt's claim. */
  nonce: string;
  at: string;
  staleBefore: string;
}

export interface PublishCommit extends PublishClaim {
  integrity: string;
  sha256: string;
  size: number;
  document: StoredVersion;
  /** Dist-tag to point at the new version besides the automatic `latest`. */
  tag: string;
  /** Lower bound of downloads for a bundle to count as popular in the close-name check. */
  popularDownloads: number;
  /**
   * Settles when the blob is durable (placed). The transaction runs its statements meanwhile
   * and commits only once it has resolved; a rejection rolls it back (and is thrown). The
   * caller must handle its rejection too: a refusal answers without waiting for it.
   */
  blobPlaced?: Promise<void>;
}

/** Why a publish was refused inside the store; services turn it into a RegistryError. */
export type PublishRefusal =
  | { refused: 'VERSION_EXISTS' }
  | { refused: 'PUBLISH_IN_PROGRESS' }
  | { refused: 'NAME_CONFUSABLE'; existing: string }
  | { refused: 'SCOPE_OWNED'; scope: string }
  | ScopeClaimRefusal
  | { refused: 'NOT_OWNER' }
  | { refused: 'CLAIM_LOST' };

export type PublishOutcome = { ok: true; created: boolean; closeTo: string | null } | PublishRefusal;

export type TagOutcome = { ok: true } | { refused: 'NOT_FOUND' | 'YANKED' | 'LATEST' };
export type OwnerOutcome =
  | { ok: true; owners: string[] }
  | { refused: 'NOT_FOUND' | 'NO_USER' | 'LAST_OWNER' };

export interface RateLimitTake {
  key: string;
  /** Bucket size: how many in a burst. */
  capacity: number;
  /** Milliseconds for one token to come back. */
  refillMs: number;
  nowMs: number;
  /**
   * Up to this many whole tokens at once (default 1), for a process to spend without asking
   * again: as many as the bucket holds, at least one, or a refusal.
   */
  take?: number;
}

export type RateLimitResult =
  | { allowed: true; granted: number }
  | { allowed: false; retryAfterSeconds: number };

/** The npm package built from one version: what its packument entry and its download need. */
export interface NpmArtifact {
  name: string;
  version: string;
  /** `sha512-<base64>` of the .tgz. */
  integrity: string;
  /** Hex sha1 of the .tgz (npm's legacy `dist.shasum`). */
  shasum: string;
  /** Hex sha256 of the .tgz: its blob key. */
  sha256: string;
  size: number;
}

export interface SigningKeyRecord {
  keyid: string;
  publicKey: string;
  createdAt: string;
}

import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
} from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL tables, as drizzle sees them; `migrations.ts` creates them. The same tables and
 * columns as `../sqlite/schema.ts` (timestamps are ISO-8601 text in both), with a tsvector
 * `search` table in place of FTS5.
 */

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const users = pgTable('users', {
  username: text('username').primaryKey(),
  passwordHash: text('password_hash'),
  email: text('email'),
  admin: boolean('admin').notNull().default(false),
  createdAt: text('created_at').notNull(),
});

export const tokens = pgTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    hash: text('hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    scope: text('scope', { enum: ['read', 'publish'] }).notNull(),
    name: text('name'),
    expiresAt: text('expires_at'),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
    parentId: text('parent_id'),
  },
  (t) => [index('tokens_username').on(t.username), index('tokens_parent').on(t.parentId)],
);

export const scopes = pgTable(
  'scopes',
  {
    scope: text('scope').notNull(),
    username: text('username').notNull(),
    addedAt: text('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.username] })],
);

export const bundles = pgTable('bundles', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  folded: text('folded').notNull().unique(),
  scope: text('scope'),
  description: text('description').notNull().default(''),
  category: text('category'),
  keywords: text('keywords').notNull().default('[]'),
  closeTo: text('close_to'),
  latestPinned: boolean('latest_pinned').notNull().default(false),
  revision: integer('revision').notNull().default(1),
  downloads: bigint('downloads', { mode: 'number' }).notNull().default(0),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  /** The `changes.seq` of the last write to this bundle's document or downloads. */
  changeSeq: bigint('change_seq', { mode: 'number' }).notNull().default(0),
});

/**
 * One row (`id` 1): a store-wide counter bumped, in the same transaction, by every write that
 * changes a bundle document or its downloads. Processes poll it to drop stale cached documents.
 */
export const changes = pgTable('changes', {
  id: integer('id').primaryKey().default(1),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

export const versions = pgTable(
  'versions',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    integrity: text('integrity').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    document: text('document').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: text('published_at').notNull(),
    deprecated: text('deprecated'),
    yanked: boolean('yanked').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const publishedVersions = pgTable(
  'published_versions',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    integrity: text('integrity').notNull(),
    publishedAt: text('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const pendingPublishes = pgTable(
  'pending_publishes',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    nonce: text('nonce').notNull(),
    startedAt: text('started_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const distTags = pgTable(
  'dist_tags',
  {
    name: text('name').notNull(),
    tag: text('tag').notNull(),
    version: text('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.tag] })],
);

export const owners = pgTable(
  'owners',
  {
    name: text('name').notNull(),
    username: text('username').notNull(),
    addedAt: text('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.username] })],
);

export const auditLog = pgTable('audit_log', {
  id: serial('id').primaryKey(),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  detail: text('detail'),
  ip: text('ip'),
  requestId: text('request_id'),
});

export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  updatedMs: bigint('updated_ms', { mode: 'number' }).notNull(),
});

export const signingKeys = pgTable('signing_keys', {
  keyid: text('keyid').primaryKey(),
  publicKey: text('public_key').notNull(),
  createdAt: text('created_at').notNull(),
});

/** One row per bundle with a latest version: its weighted text. */
export const search = pgTable('search', {
  bundleId: integer('bundle_id').primaryKey(),
  document: tsvector('document').notNull(),
  name: text('name').notNull().default(''),
  category: text('category'),
  downloads: bigint('downloads', { mode: 'number' }).notNull().default(0),
});

/** One row (id 1): bumped with every change to what search returns. */
export const searchState = pgTable('search_state', {
  id: integer('id').primaryKey().default(1),
  revision: bigint('revision', { mode: 'number' }).notNull(),
});

/** The npm package built from each version (immutable, like the version's own tarball). */
export const npmArtifacts = pgTable(
  'npm_artifacts',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    integrity: text('integrity').notNull(),
    shasum: text('shasum').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const migrations = pgTable('migrations', {
  id: text('id').primaryKey(),
  appliedAt: text('applied_at').notNull(),
});

import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The SQLite tables, as drizzle sees them. `migrations.ts` creates them (plus the FTS5 `search`
 * table, which drizzle cannot describe); a test checks that the two agree column by column.
 */

export const users = sqliteTable('users', {
  username: text('username').primaryKey(),
  passwordHash: text('password_hash'),
  email: text('email'),
  admin: integer('admin', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull(),
});

export const tokens = sqliteTable(
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

export const scopes = sqliteTable(
  'scopes',
  {
    scope: text('scope').notNull(),
    username: text('username').notNull(),
    addedAt: text('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.username] })],
);

export const bundles = sqliteTable('bundles', {
  /** Stable row id, shared with the FTS5 `search` table's rowid. */
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  folded: text('folded').notNull().unique(),
  scope: text('scope'),
  description: text('description').notNull().default(''),
  category: text('category'),
  keywords: text('keywords').notNull().default('[]'),
  closeTo: text('close_to'),
  latestPinned: integer('latest_pinned', { mode: 'boolean' }).notNull().default(false),
  revision: integer('revision').notNull().default(1),
  downloads: integer('downloads').notNull().default(0),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
  /** The `changes.seq` of the last write to this bundle's document or downloads. */
  changeSeq: integer('change_seq').notNull().default(0),
});

/**
 * One row (`id` 1): a store-wide counter bumped, in the same transaction, by every write that
 * changes a bundle document or its downloads. Processes poll it to drop stale cached documents.
 */
export const changes = sqliteTable('changes', {
  id: integer('id').primaryKey().default(1),
  seq: integer('seq').notNull(),
});

export const versions = sqliteTable(
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
    yanked: integer('yanked', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/** Every name@version ever published; never deleted, so a version number is never reused. */
export const publishedVersions = sqliteTable(
  'published_versions',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    integrity: text('integrity').notNull(),
    publishedAt: text('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/** A publish between its claim and its commit (or release). */
export const pendingPublishes = sqliteTable(
  'pending_publishes',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    nonce: text('nonce').notNull(),
    startedAt: text('started_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const distTags = sqliteTable(
  'dist_tags',
  {
    name: text('name').notNull(),
    tag: text('tag').notNull(),
    version: text('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.tag] })],
);

export const owners = sqliteTable(
  'owners',
  {
    name: text('name').notNull(),
    username: text('username').notNull(),
    addedAt: text('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.username] })],
);

export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  detail: text('detail'),
  ip: text('ip'),
  requestId: text('request_id'),
});

export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  tokens: real('tokens').notNull(),
  updatedMs: integer('updated_ms').notNull(),
});

export const signingKeys = sqliteTable('signing_keys', {
  keyid: text('keyid').primaryKey(),
  publicKey: text('public_key').notNull(),
  createdAt: text('created_at').notNull(),
});

/** One row (id 1): bumped with every change to what search returns. */
export const searchState = sqliteTable('search_state', {
  id: integer('id').primaryKey(),
  revision: integer('revision').notNull(),
});

/** The npm package built from each version (immutable, like the version's own tarball). */
export const npmArtifacts = sqliteTable(
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

export const migrations = sqliteTable('migrations', {
  id: text('id').primaryKey(),
  appliedAt: text('applied_at').notNull(),
});

import type { Pool } from 'pg';

/** PostgreSQL migrations, in order; append only. The twin of `../sqlite/migrations.ts`. */
export const PG_MIGRATIONS: readonly { id: string; sql: string }[] = [
  {
    id: '0001_init',
    sql: `
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT,
  email TEXT,
  admin BOOLEAN NOT NULL DEFAULT false,
  created_at TEXT NOT NULL
);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users(username),
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'publish')),
  name TEXT,
  expires_at TEXT,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX tokens_username ON tokens(username);
CREATE TABLE scopes (
  scope TEXT NOT NULL,
  username TEXT NOT NULL REFERENCES users(username),
  added_at TEXT NOT NULL,
  PRIMARY KEY (scope, username)
);
CREATE TABLE bundles (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  folded TEXT NOT NULL UNIQUE,
  scope TEXT,
  description TEXT NOT NULL DEFAULT '',
  category TEXT,
  keywords TEXT NOT NULL DEFAULT '[]',
  close_to TEXT,
  latest_pinned BOOLEAN NOT NULL DEFAULT false,
  revision INTEGER NOT NULL DEFAULT 1,
  downloads BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX bundles_downloads ON bundles(downloads DESC);
CREATE TABLE versions (
  name TEXT NOT NULL REFERENCES bundles(name),
  version TEXT NOT NULL,
  integrity TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  document TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at TEXT NOT NULL,
  deprecated TEXT,
  yanked BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (name, version)
);
CREATE INDEX versions_sha256 ON versions(sha256);
CREATE TABLE published_versions (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  integrity TEXT NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE pending_publishes (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  nonce TEXT NOT NULL,
  started_at TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE dist_tags (
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (name, tag),
  FOREIGN KEY (name, version) REFERENCES versions(name, version)
);
CREATE TABLE owners (
  name TEXT NOT NULL REFERENCES bundles(name),
  username TEXT NOT NULL REFERENCES users(username),
  added_at TEXT NOT NULL,
  PRIMARY KEY (name, username)
);
CREATE TABLE audit_log (
  id SERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT,
  ip TEXT,
  request_id TEXT
);
CREATE INDEX audit_log_target ON audit_log(target);
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE signing_keys (
  keyid TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE search (
  bundle_id INTEGER PRIMARY KEY REFERENCES bundles(id),
  document TSVECTOR NOT NULL
);
CREATE INDEX search_document ON search USING GIN (document);
`,
  },
  {
    // The npm package built from each version, recorded once (docs/marketplace.md).
    id: '0002_npm_artifacts',
    sql: `
CREATE TABLE npm_artifacts (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  integrity TEXT NOT NULL,
  shasum TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);
`,
  },
  {
    // The token that minted a token: revoking it revokes every token minted from it.
    id: '0003_token_parent',
    sql: `
ALTER TABLE tokens ADD COLUMN parent_id TEXT REFERENCES tokens(id);
CREATE INDEX tokens_parent ON tokens(parent_id);
`,
  },
  {
    // A store-wide change counter, bumped in the transaction of every write that changes a bundle
    // document or its downloads; each bundle records the counter of its last change, so a process
    // learns what changed since it last looked with one indexed read (docs/operating.md).
    id: '0004_changes',
    sql: `
CREATE TABLE changes (
  id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  seq BIGINT NOT NULL
);
INSERT INTO changes (id, seq) VALUES (1, 0);
ALTER TABLE bundles ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX bundles_change_seq ON bundles(change_seq);
`,
  },
  {
    // One counter bumped by every write that changes what search returns (sync-bundle.ts): the
    // key of each process's search cache (db/search-cache.ts). And search ranked without joins
    // (the twin of SQLite's search_rank): each search row carries its bundle's name, category and
    // downloads (kept by writePgSearchRow and, for downloads, by a trigger), so counting, ranking
    // and the empty query read only this table and its indexes; bundles and the latest tag are
    // joined for the rows shown. Plans: docs/operating.md "Search on PostgreSQL".
    id: '0005_search_revision',
    sql: `
CREATE TABLE search_state (
  id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  revision BIGINT NOT NULL
);
INSERT INTO search_state (id, revision) VALUES (1, 1);
ALTER TABLE search ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE search ADD COLUMN category TEXT;
ALTER TABLE search ADD COLUMN downloads BIGINT NOT NULL DEFAULT 0;
UPDATE search s SET name = b.name, category = b.category, downloads = b.downloads
  FROM bundles b WHERE b.id = s.bundle_id;
CREATE INDEX search_downloads ON search (downloads DESC, name);
CREATE INDEX search_category ON search (category, downloads DESC, name);
CREATE FUNCTION search_downloads_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE search SET downloads = NEW.downloads WHERE bundle_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER bundles_downloads_to_search AFTER UPDATE OF downloads ON bundles
  FOR EACH ROW WHEN (OLD.downloads IS DISTINCT FROM NEW.downloads)
  EXECUTE FUNCTION search_downloads_follow();
`,
  },
  {
    // Publish claims coordinate work in progress and are re-read by the commit that depends on
    // them (db/rules/publish.ts): unlogged, a claim commits without waiting for a WAL flush, and a
    // crash (which empties the table) only turns the publishes in flight into CLAIM_LOST. Not
    // replicated either: a standby promoted mid-publish does the same. No SQLite twin: under
    // `synchronous = NORMAL` in WAL mode no SQLite commit waits for a flush.
    id: '0006_unlogged_claims',
    sql: 'ALTER TABLE pending_publishes SET UNLOGGED;',
  },
];

/** Serialises migrations across processes (an advisory lock, per schema). */
const LOCK = `hashtext(current_schema() || ':skills-registry-migrations')`;

/** Applies the migrations not yet recorded, each in a transaction, one process at a time. */
export async function applyPgMigrations(pool: Pool, now: () => string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCK})`);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      for (const m of PG_MIGRATIONS) {
        const done = await client.query('SELECT 1 FROM migrations WHERE id = $1', [m.id]);
        if (done.rowCount) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO migrations (id, applied_at) VALUES ($1, $2)', [m.id, now()]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
      }
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK})`);
    }
  } finally {
    client.release();
  }
}

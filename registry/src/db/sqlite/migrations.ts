import type Database from 'better-sqlite3';

/**
 * SQLite migrations, applied in order at start and recorded in `migrations`. Append only: a
 * migration that has shipped is never edited. They live in TypeScript so the build carries them.
 */
export const SQLITE_MIGRATIONS: readonly { id: string; sql: string }[] = [
  {
    id: '0001_init',
    sql: `
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT,
  email TEXT,
  admin INTEGER NOT NULL DEFAULT 0,
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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  folded TEXT NOT NULL UNIQUE,
  scope TEXT,
  description TEXT NOT NULL DEFAULT '',
  category TEXT,
  keywords TEXT NOT NULL DEFAULT '[]',
  close_to TEXT,
  latest_pinned INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL DEFAULT 1,
  downloads INTEGER NOT NULL DEFAULT 0,
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
  yanked INTEGER NOT NULL DEFAULT 0,
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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  tokens REAL NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE signing_keys (
  keyid TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE search USING fts5(
  name, description, keywords, skills,
  tokenize = 'unicode61 remove_diacritics 2'
);
`,
  },
  {
    // Search ranked without joins: one narrow row per search row (so per bundle with a latest
    // version), kept in step by sync-bundle.ts and, for downloads, by a trigger on bundles. The
    // page query reads downloads here (not from the wide bundles row, nor from UNINDEXED FTS5
    // columns, whose content row carries the whole text: measured slower), and the empty query
    // walks search_rank_downloads in order and stops at LIMIT.
    id: '0002_search_rank',
    sql: `
CREATE TABLE search_rank (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT,
  downloads INTEGER NOT NULL DEFAULT 0
);
INSERT INTO search_rank (id, name, category, downloads)
  SELECT b.id, b.name, b.category, b.downloads FROM bundles b WHERE b.id IN (SELECT rowid FROM search);
CREATE INDEX search_rank_downloads ON search_rank(downloads DESC, name);
CREATE INDEX search_rank_category ON search_rank(category, downloads DESC, name);
CREATE TRIGGER bundles_downloads_to_search_rank AFTER UPDATE OF downloads ON bundles
BEGIN
  UPDATE search_rank SET downloads = NEW.downloads WHERE id = NEW.id;
END;
`,
  },
  {
    // The npm package built from each version, recorded once (docs/marketplace.md).
    id: '0003_npm_artifacts',
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
    id: '0004_token_parent',
    sql: `
ALTER TABLE tokens ADD COLUMN parent_id TEXT REFERENCES tokens(id);
CREATE INDEX tokens_parent ON tokens(parent_id);
`,
  },
  {
    // A store-wide change counter, bumped in the transaction of every write that changes a bundle
    // document or its downloads; each bundle records the counter of its last change, so a process
    // learns what changed since it last looked with one indexed read (docs/operating.md).
    id: '0005_changes',
    sql: `
CREATE TABLE changes (
  id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  seq INTEGER NOT NULL
);
INSERT INTO changes (id, seq) VALUES (1, 0);
ALTER TABLE bundles ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX bundles_change_seq ON bundles(change_seq);
`,
  },
  {
    // One counter bumped by every write that changes what search returns (sync-bundle.ts): the
    // key of each process's search cache (db/search-cache.ts).
    id: '0006_search_revision',
    sql: `
CREATE TABLE search_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  revision INTEGER NOT NULL
);
INSERT INTO search_state (id, revision) VALUES (1, 1);
`,
  },
];

/**
 * Applies the migrations not yet recorded, each in its own IMMEDIATE transaction, so processes
 * starting together on one file apply each exactly once.
 */
export function applySqliteMigrations(db: Database.Database, now: () => string): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare<[string]>('SELECT 1 FROM migrations WHERE id = ?');
  const record = db.prepare<[string, string]>('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
  for (const m of SQLITE_MIGRATIONS) {
    db.transaction(() => {
      if (isApplied.get(m.id)) return;
      db.exec(m.sql);
      record.run(m.id, now());
    }).immediate();
  }
}

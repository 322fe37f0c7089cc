import { openStore } from '@skills/registry';
import pg from 'pg';
import { searchCorpus } from './seed.ts';

/** Words only, as the PostgreSQL store's `writePgSearchRow` feeds `to_tsvector('simple', …)`. */
const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ');

/**
 * Fills the PostgreSQL database at `url` (migrated through the store) with the search corpus of
 * `seed.ts` in bulk: the rows a publish through the port writes (bundle, owner, version, ledger
 * entry, `latest` tag, weighted search row, downloads, search revision), 1,000 bundles per
 * statement, without audit entries, which search never reads. Through the port one bundle
 * takes two write transactions of ~15 round trips each: hours for 100,000 on a busy machine.
 * Does nothing when the database already holds `count` bundles.
 */
export async function seedPgCorpus(url: string, count: number, onProgress?: (done: number) => void) {
  const store = await openStore(url, '/nonexistent');
  const at = new Date().toISOString();
  try {
    if (!(await store.getUser('bench'))) {
      await store.createUser(
        { username: 'bench', passwordHash: null, email: null, admin: false, createdAt: at },
        { actor: 'bench', at, ip: null, requestId: null },
      );
    }
  } finally {
    await store.close();
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const have = Number((await pool.query('SELECT count(*)::int AS n FROM bundles')).rows[0].n);
    if (have >= count) return;
    if (have > 0) throw new Error(`${have} bundles already in the database, not ${count}: seed an empty one`);
    let batch: ReturnType<typeof rowsOf>[] = [];
    let done = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await insertBatch(pool, batch);
      done += batch.length;
      batch = [];
      if (onProgress && done % 10_000 === 0) onProgress(done);
    };
    for (const b of searchCorpus(count, at)) {
      batch.push(rowsOf(b, at));
      if (batch.length === 1000) await flush();
    }
    await flush();
    await pool.query('UPDATE search_state SET revision = revision + 1');
    await pool.query('ANALYZE');
  } finally {
    await pool.end();
  }
}

function rowsOf(b: ReturnType<typeof searchCorpus> extends Generator<infer T> ? T : never, at: string) {
  const skills = b.document.skills.map((s) => `${s.name} ${s.description}`).join('\n');
  return { b, at, skills };
}

async function insertBatch(pool: pg.Pool, rows: ReturnType<typeof rowsOf>[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const col = <T>(f: (r: ReturnType<typeof rowsOf>) => T) => rows.map(f);
    const ids = await client.query<{ id: number; name: string }>(
      `INSERT INTO bundles (name, folded, description, category, keywords, downloads, created_at, updated_at, revision)
       SELECT n, n, d, c, k, dl, $6, $6, 2 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS x(n, d, c, k, dl)
       RETURNING id, name`,
      [
        col((r) => r.b.name),
        col((r) => r.b.document.description),
        col((r) => r.b.category),
        col((r) => JSON.stringify(r.b.keywords)),
        col((r) => r.b.downloads),
        rows[0]!.at,
      ],
    );
    const names = col((r) => r.b.name);
    await client.query(
      `INSERT INTO owners (name, username, added_at) SELECT n, 'bench', $2 FROM unnest($1::text[]) AS x(n)`,
      [names, rows[0]!.at],
    );
    await client.query(
      `INSERT INTO versions (name, version, integrity, sha256, size, document, published_by, published_at)
       SELECT n, '1.0.0', i, s, 2048, d, 'bench', $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(n, i, s, d)`,
      [
        names,
        col((r) => r.b.integrity),
        col((r) => r.b.sha256),
        col((r) => JSON.stringify(r.b.document)),
        rows[0]!.at,
      ],
    );
    await client.query(
      `INSERT INTO published_versions (name, version, integrity, published_at)
       SELECT n, '1.0.0', i, $3 FROM unnest($1::text[], $2::text[]) AS x(n, i)`,
      [names, col((r) => r.b.integrity), rows[0]!.at],
    );
    await client.query(
      `INSERT INTO dist_tags (name, tag, version) SELECT n, 'latest', '1.0.0' FROM unnest($1::text[]) AS x(n)`,
      [names],
    );
    const idOf = new Map(ids.rows.map((r) => [r.name, r.id]));
    await client.query(
      `INSERT INTO search (bundle_id, name, category, downloads, document)
       SELECT id, bn, c, dl, setweight(to_tsvector('simple', n), 'A') || setweight(to_tsvector('simple', k), 'B')
         || setweight(to_tsvector('simple', d), 'C') || setweight(to_tsvector('simple', s), 'D')
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
         AS x(id, n, k, d, s, bn, c, dl)`,
      [
        col((r) => idOf.get(r.b.name)),
        col((r) => words(r.b.name)),
        col((r) => words(r.b.keywords.join(' '))),
        col((r) => words(r.b.document.description)),
        col((r) => words(r.skills)),
        names,
        col((r) => r.b.category),
        col((r) => r.b.downloads),
      ],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

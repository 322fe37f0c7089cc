import { eq, type SQL, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { SearchMatch } from '../../domain/search-query.ts';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { Q } from '../dialect.ts';
import { prepared } from '../rules/prepared.ts';
import { type SearchRow as Row, toSearchHit as toHit } from '../search-hit.ts';
import type { SearchPage, SearchQuery } from '../store.ts';
import { search } from './schema.ts';

/** How much popularity lifts relevance: score = relevance × (1 + k·ln(1 + downloads)). */
const POPULARITY = 0.1;

/**
 * Search over the weighted tsvector rows (name A, keywords B, description C, skills D), ranked
 * by ts_rank times the popularity lift: the PostgreSQL twin of the FTS5 search.
 *
 * Cost shape (100,000 bundles; plans in docs/operating.md): counting and ranking read only the
 * `search` table (the GIN index, then each match's row for its tsvector, name, category and
 * downloads); bundles and the latest tag are joined for the LIMIT rows alone. The empty query
 * walks `search_downloads` (or `search_category`) in order and stops at LIMIT.
 */
export function pgSearch(db: NodePgDatabase): (query: SearchQuery) => Promise<SearchPage> {
  const shown = (ranked: SQL) => sql`SELECT b.name, t.version, b.description, b.category, b.keywords,
        b.downloads::float8 AS downloads, x.score, x.total
      FROM (${ranked}) x JOIN bundles b ON b.id = x.id
      JOIN dist_tags t ON t.name = b.name AND t.tag = 'latest'
      ORDER BY x.score DESC, x.downloads DESC, x.name ASC`;
  const countOf = async (count: SQL) => ((await db.execute<{ n: number }>(count)).rows[0]?.n ?? 0) as number;
  return async ({ match, category, limit, offset }) => {
    const query = match ? tsQuery(match) : undefined;
    if (match && query === undefined) return { total: 0, hits: [] };
    const inCategory = category ? sql`AND s.category = ${category}` : sql``;
    if (query === undefined) {
      const listed = sql`FROM search s WHERE true ${inCategory}`;
      const total = await countOf(sql`SELECT count(*)::int AS n ${listed}`);
      if (total <= offset) return { total, hits: [] };
      const ranked = sql`SELECT s.bundle_id AS id, s.name, s.downloads, ln(1 + s.downloads::float8) AS score,
          0 AS total ${listed} ORDER BY s.downloads DESC, s.name ASC LIMIT ${limit} OFFSET ${offset}`;
      return { total, hits: (await db.execute<Row>(shown(ranked))).rows.map(toHit) };
    }
    // to_tsquery inline, not as a FROM item: the planner then sees a constant and can choose
    // the GIN index (a bitmap scan) over reading every row. The count rides along as a window
    // over the same scan, so the matches are visited once; only a page past the end counts apart.
    const q = sql`to_tsquery('simple', ${query})`;
    const matches = sql`FROM search s WHERE s.document @@ ${q} ${inCategory}`;
    const ranked = sql`SELECT s.bundle_id AS id, s.name, s.downloads,
          (ts_rank(s.document, ${q}) * (1 + ${POPULARITY} * ln(1 + s.downloads::float8)))::float8 AS score,
          count(*) OVER () AS total
        ${matches} ORDER BY score DESC, s.downloads DESC, s.name ASC LIMIT ${limit} OFFSET ${offset}`;
    const rows = (await db.execute<Row & { total: number }>(shown(ranked))).rows;
    if (rows.length > 0) return { total: Number(rows[0]!.total), hits: rows.map(toHit) };
    return { total: await countOf(sql`SELECT count(*)::int AS n ${matches}`), hits: [] };
  };
}

/** Words only: the `simple` parser would otherwise read `@acme/x` as one token. */
const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ');

/**
 * Rewrites bundle `id`'s weighted search row (name A, keywords B, description C, skills D, with
 * its name, category and downloads for ranking); a bundle without a latest version has none.
 * One statement either way (an upsert, or a delete). Runs inside the caller's write.
 */
export async function writePgSearchRow(
  q: Q,
  row: { id: number; name: string; doc: StoredVersion | undefined },
): Promise<void> {
  const { id, name, doc } = row;
  if (!doc) {
    await q.delete(search).where(eq(search.bundleId, id));
    return;
  }
  const skills = doc.skills.map((s) => `${s.name} ${s.description}`).join('\n');
  await upsertRow(q, {
    id,
    name,
    category: doc.category ?? null,
    a: words(name),
    b: words(doc.keywords.join(' ')),
    c: words(doc.description),
    d: words(skills),
  });
}

/** The upsert of a search row, prepared: every publish runs it (see `prepared`). */
const upsertRow = prepared((q) => {
  const p = sql.placeholder;
  return q
    .insert(search)
    .values({
      bundleId: p('id'),
      name: p('name'),
      category: p('category'),
      downloads: sql`(SELECT b.downloads FROM bundles b WHERE b.id = ${p('id')})`,
      document: sql`setweight(to_tsvector('simple', ${p('a')}), 'A')
      || setweight(to_tsvector('simple', ${p('b')}), 'B')
      || setweight(to_tsvector('simple', ${p('c')}), 'C')
      || setweight(to_tsvector('simple', ${p('d')}), 'D')`,
    })
    .onConflictDoUpdate({
      target: search.bundleId,
      set: {
        name: sql`excluded.name`,
        category: sql`excluded.category`,
        downloads: sql`excluded.downloads`,
        document: sql`excluded.document`,
      },
    })
    .prepare('search_upsert_row');
});

/**
 * A to_tsquery text from search terms: each word single-quoted (words hold only letters and
 * digits, so nothing is syntax), the last a prefix; undefined when no word is left.
 * @example tsQuery({ terms: ['deploy', 'verc'], every: true }) // "'deploy' & 'verc':*"
 */
export function tsQuery(match: SearchMatch): string | undefined {
  const words = match.terms.flatMap((t) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter(Boolean);
  if (words.length === 0) return undefined;
  return words.map((w, i) => `'${w}'${i === words.length - 1 ? ':*' : ''}`).join(match.every ? ' & ' : ' | ');
}

import { eq, type SQL, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { SearchMatch } from '../../domain/search-query.ts';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { Q } from '../dialect.ts';
import { type SearchRow as Row, toSearchHit as toHit } from '../search-hit.ts';
import type { SearchPage, SearchQuery } from '../store.ts';
import { search } from './schema.ts';

/** How much popularity lifts relevance: score = relevance × (1 + k·ln(1 + downloads)). */
const POPULARITY = 0.1;

/**
 * Search over the weighted tsvector rows (name A, keywords B, description C, skills D), ranked
 * by ts_rank times the popularity lift: the PostgreSQL twin of the FTS5 search.
 */
export function pgSearch(db: NodePgDatabase): (query: SearchQuery) => Promise<SearchPage> {
  return async ({ match, category, limit, offset }) => {
    const query = match ? tsQuery(match) : undefined;
    if (match && query === undefined) return { total: 0, hits: [] };
    const latest = sql`JOIN dist_tags t ON t.name = b.name AND t.tag = 'latest'`;
    const byCategory = category ? sql`AND b.category = ${category}` : sql``;
    const columns = sql`b.name, t.version, b.description, b.category, b.keywords, b.downloads::float8 AS downloads`;
    let count: SQL;
    let page: SQL;
    if (query !== undefined) {
      // Search rows exist only for bundles with a latest: the count needs no join (bundles
      // only for a category), and the page joins the latest tag for the LIMIT rows alone.
      const matches = sql`FROM search s JOIN bundles b ON b.id = s.bundle_id, to_tsquery('simple', ${query}) q
          WHERE s.document @@ q ${byCategory}`;
      count = category
        ? sql`SELECT count(*)::int AS n ${matches}`
        : sql`SELECT count(*)::int AS n FROM search s WHERE s.document @@ to_tsquery('simple', ${query})`;
      page = sql`SELECT ${columns}, x.score FROM (
            SELECT b.id, (ts_rank(s.document, q) * (1 + ${POPULARITY} * ln(1 + b.downloads::float8)))::float8 AS score
            ${matches} ORDER BY score DESC, b.downloads DESC, b.name ASC LIMIT ${limit} OFFSET ${offset}
          ) x JOIN bundles b ON b.id = x.id ${latest}
          ORDER BY x.score DESC, b.downloads DESC, b.name ASC`;
    } else {
      const from = sql`FROM bundles b ${latest} WHERE true ${byCategory}`;
      count = sql`SELECT count(*)::int AS n ${from}`;
      page = sql`SELECT ${columns}, ln(1 + b.downloads::float8) AS score
          ${from} ORDER BY b.downloads DESC, b.name ASC LIMIT ${limit} OFFSET ${offset}`;
    }
    const total = ((await db.execute<{ n: number }>(count)).rows[0]?.n ?? 0) as number;
    if (total <= offset) return { total, hits: [] };
    const rows = (await db.execute<Row>(page)).rows;
    return { total, hits: rows.map(toHit) };
  };
}

/** Words only: the `simple` parser would otherwise read `@acme/x` as one token. */
const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ');

/**
 * Rewrites bundle `id`'s weighted search row (name A, keywords B, description C, skills D); a
 * bundle without a latest version has none. Runs inside the caller's write.
 */
export async function writePgSearchRow(
  q: Q,
  row: { id: number; name: string; doc: StoredVersion | undefined },
): Promise<void> {
  const { id, name, doc } = row;
  await q.delete(search).where(eq(search.bundleId, id));
  if (!doc) return;
  const skills = doc.skills.map((s) => `${s.name} ${s.description}`).join('\n');
  await q.insert(search).values({
    bundleId: id,
    document: sql`setweight(to_tsvector('simple', ${words(name)}), 'A')
      || setweight(to_tsvector('simple', ${words(doc.keywords.join(' '))}), 'B')
      || setweight(to_tsvector('simple', ${words(doc.description)}), 'C')
      || setweight(to_tsvector('simple', ${words(skills)}), 'D')`,
  });
}

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

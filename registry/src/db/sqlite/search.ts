import type Database from 'better-sqlite3';
import type { SearchMatch } from '../../domain/search-query.ts';
import type { SearchHit, SearchQuery, Store } from '../store.ts';

/**
 * Column weights for bm25 over (name, description, keywords, skills): a hit in the name counts
 * most, then keywords, then the description, then skill names and descriptions.
 */
const WEIGHTS = '10.0, 2.0, 4.0, 1.5';
/** How much popularity lifts relevance: score = relevance × (1 + k·ln(1 + downloads)). */
const POPULARITY = 0.1;

interface Row {
  name: string;
  version: string;
  description: string;
  category: string | null;
  keywords: string;
  downloads: number;
  score: number;
}

/**
 * Search over the FTS5 `search` table, blended with downloads. Raw SQL: drizzle has no FTS5.
 * `match` must come from `toMatchExpression`, which quotes every term, so user text never
 * reaches FTS5 as syntax.
 */
export function sqliteSearch(sqlite: Database.Database): Pick<Store, 'search'> {
  const latestJoin = `JOIN dist_tags t ON t.name = b.name AND t.tag = 'latest'`;
  const byText = (withCategory: boolean) => ({
    page: sqlite.prepare<unknown[], Row>(`
      SELECT b.name, t.version, b.description, b.category, b.keywords, b.downloads,
             (-bm25(search, ${WEIGHTS})) * (1 + ${POPULARITY} * ln(1 + b.downloads)) AS score
      FROM search JOIN bundles b ON b.id = search.rowid ${latestJoin}
      WHERE search MATCH ? ${withCategory ? 'AND b.category = ?' : ''}
      ORDER BY score DESC, b.downloads DESC, b.name ASC LIMIT ? OFFSET ?`),
    count: sqlite.prepare<unknown[], { n: number }>(`
      SELECT count(*) AS n FROM search JOIN bundles b ON b.id = search.rowid ${latestJoin}
      WHERE search MATCH ? ${withCategory ? 'AND b.category = ?' : ''}`),
  });
  const byDownloads = (withCategory: boolean) => ({
    page: sqlite.prepare<unknown[], Row>(`
      SELECT b.name, t.version, b.description, b.category, b.keywords, b.downloads,
             ln(1 + b.downloads) AS score
      FROM bundles b ${latestJoin} ${withCategory ? 'WHERE b.category = ?' : ''}
      ORDER BY b.downloads DESC, b.name ASC LIMIT ? OFFSET ?`),
    count: sqlite.prepare<unknown[], { n: number }>(`
      SELECT count(*) AS n FROM bundles b ${latestJoin} ${withCategory ? 'WHERE b.category = ?' : ''}`),
  });
  const statements = {
    text: byText(false),
    textCategory: byText(true),
    all: byDownloads(false),
    allCategory: byDownloads(true),
  };
  return {
    async search(query: SearchQuery) {
      const { match, category, limit, offset } = query;
      const s = match
        ? category
          ? statements.textCategory
          : statements.text
        : category
          ? statements.allCategory
          : statements.all;
      const expression = match ? ftsExpression(match) : undefined;
      const where = [expression, category].filter((v): v is string => v !== undefined && v !== '');
      const total = s.count.get(...where)?.n ?? 0;
      const hits = total > offset ? s.page.all(...where, limit, offset).map(toHit) : [];
      return { total, hits };
    },
  };
}

/**
 * An FTS5 MATCH expression: each term a quoted string (inner quotes doubled), the last a prefix.
 * @example ftsExpression({ terms: ['deploy', 'verc'], every: false }) // '"deploy" OR "verc"*'
 */
export function ftsExpression(match: SearchMatch): string {
  const quoted = match.terms.map(
    (t, i) => `"${t.replaceAll('"', '""')}"${i === match.terms.length - 1 ? '*' : ''}`,
  );
  return quoted.join(match.every ? ' ' : ' OR ');
}

function toHit(r: Row): SearchHit {
  return {
    name: r.name,
    version: r.version,
    description: r.description,
    category: r.category,
    keywords: JSON.parse(r.keywords) as string[],
    downloads: r.downloads,
    score: Math.round(r.score * 1e6) / 1e6,
  };
}

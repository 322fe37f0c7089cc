import type Database from 'better-sqlite3';
import type { SearchMatch } from '../../domain/search-query.ts';
import type { StoredVersion } from '../../domain/version-document.ts';
import { type SearchRow as Row, toSearchHit as toHit } from '../search-hit.ts';
import type { SearchPage, SearchQuery } from '../store.ts';

/**
 * Column weights for bm25 over (name, description, keywords, skills): a hit in the name counts
 * most, then keywords, then the description, then skill names and descriptions.
 */
const WEIGHTS = '10.0, 2.0, 4.0, 1.5';
/** How much popularity lifts relevance: score = relevance × (1 + k·ln(1 + downloads)). */
const POPULARITY = 0.1;
/**
 * Above this many matches, pages are ranked among the matches in name or keywords only, as long
 * as those fill the page (see `search`): bm25 over 20,000 matches takes ~14 ms, over 3,000 ~2 ms.
 */
const NARROW_ABOVE = 3000;

/**
 * Search over the FTS5 `search` table, blended with downloads. Raw SQL: drizzle has no FTS5.
 * `match` must come from `toMatchExpression`, which quotes every term, so user text never
 * reaches FTS5 as syntax.
 *
 * Cost shape (100,000 bundles): the count reads only the FTS5 index (plus `search_rank` when a
 * category is given); the page scores every match with bm25 and the downloads of the narrow
 * `search_rank` row, sorts (score, downloads, name) and only then joins the LIMIT rows to
 * `bundles` and the `latest` tag. Search rows exist only for bundles with a `latest`, so the
 * counts need no join. The empty query walks `search_rank_downloads` (or `_category`) in order.
 */
export function sqliteSearch(sqlite: Database.Database): (query: SearchQuery) => SearchPage {
  const shown = (inner: string, order: string) => `
      SELECT b.name, t.version, b.description, b.category, b.keywords, b.downloads, x.score
      FROM (${inner}) x
      CROSS JOIN bundles b ON b.id = x.id
      JOIN dist_tags t ON t.name = b.name AND t.tag = 'latest'
      ORDER BY ${order}`;
  const byText = (withCategory: boolean) => ({
    page: sqlite.prepare<unknown[], Row>(
      shown(
        `SELECT search.rowid AS id, r.name AS name, r.downloads AS downloads,
                (-bm25(search, ${WEIGHTS})) * (1 + ${POPULARITY} * ln(1 + r.downloads)) AS score
         FROM search CROSS JOIN search_rank r ON r.id = search.rowid
         WHERE search MATCH ? ${withCategory ? 'AND r.category = ?' : ''}
         ORDER BY score DESC, downloads DESC, name ASC LIMIT ? OFFSET ?`,
        'x.score DESC, x.downloads DESC, x.name ASC',
      ),
    ),
    count: sqlite.prepare<unknown[], { n: number }>(
      withCategory
        ? `SELECT count(*) AS n FROM search CROSS JOIN search_rank r ON r.id = search.rowid
           WHERE search MATCH ? AND r.category = ?`
        : 'SELECT count(*) AS n FROM search WHERE search MATCH ?',
    ),
  });
  const byDownloads = (withCategory: boolean) => ({
    page: sqlite.prepare<unknown[], Row>(
      shown(
        `SELECT id, name, downloads, ln(1 + downloads) AS score FROM search_rank
         ${withCategory ? 'WHERE category = ?' : ''}
         ORDER BY downloads DESC, name ASC LIMIT ? OFFSET ?`,
        'x.downloads DESC, x.name ASC',
      ),
    ),
    count: sqlite.prepare<unknown[], { n: number }>(
      `SELECT count(*) AS n FROM search_rank ${withCategory ? 'WHERE category = ?' : ''}`,
    ),
  });
  const statements = {
    text: byText(false),
    textCategory: byText(true),
    all: byDownloads(false),
    allCategory: byDownloads(true),
  };
  return (query) => {
    const { match, category, limit, offset } = query;
    if (!match) {
      const s = category ? statements.allCategory : statements.all;
      const where = category ? [category] : [];
      const total = s.count.get(...where)?.n ?? 0;
      const hits = total > offset ? s.page.all(...where, limit, offset).map(toHit) : [];
      return { total, hits };
    }
    const s = category ? statements.textCategory : statements.text;
    const withCategory = (expression: string) => (category ? [expression, category] : [expression]);
    const expression = ftsExpression(match);
    const total = s.count.get(...withCategory(expression))?.n ?? 0;
    if (total <= offset) return { total, hits: [] };
    let ranked = expression;
    if (total > NARROW_ABOVE) {
      // Scoring costs ~0.7 µs per match: for a common word, rank only the matches whose name
      // or keywords hold the terms (weights 10 and 4: they outrank description-only matches
      // anyway), with bm25 over those two columns, while they fill the page asked for.
      // `total` still counts every match. Deeper pages rank every match.
      const narrowed = `{name keywords} : (${expression})`;
      const within = s.count.get(...withCategory(narrowed))?.n ?? 0;
      if (within >= offset + limit && within < total) ranked = narrowed;
    }
    return { total, hits: s.page.all(...withCategory(ranked), limit, offset).map(toHit) };
  };
}

/**
 * Rewrites bundle `id`'s rows in `search` and `search_rank` (downloads reach `search_rank` by
 * trigger); a bundle without a latest version has none. Runs inside the caller's write.
 */
export function sqliteSearchRows(
  sqlite: Database.Database,
): (row: { id: number; name: string; doc: StoredVersion | undefined }) => void {
  const dropText = sqlite.prepare('DELETE FROM search WHERE rowid = ?');
  const dropRank = sqlite.prepare('DELETE FROM search_rank WHERE id = ?');
  const addRank = sqlite.prepare(
    'INSERT INTO search_rank (id, name, category, downloads) SELECT id, name, ?, downloads FROM bundles WHERE id = ?',
  );
  const addText = sqlite.prepare(
    'INSERT INTO search (rowid, name, description, keywords, skills) VALUES (?, ?, ?, ?, ?)',
  );
  return ({ id, name, doc }) => {
    dropText.run(id);
    dropRank.run(id);
    if (!doc) return;
    addRank.run(doc.category ?? null, id);
    const skills = doc.skills.map((s) => `${s.name} ${s.description}`).join('\n');
    addText.run(id, name, doc.description, doc.keywords.join(' '), skills);
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

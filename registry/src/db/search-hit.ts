import type { SearchHit } from './store.ts';

/** One result row as both dialects' search queries select it (keywords still JSON). */
export interface SearchRow extends Record<string, unknown> {
  name: string;
  version: string;
  description: string;
  category: string | null;
  keywords: string;
  downloads: number;
  score: number;
}

export function toSearchHit(r: SearchRow): SearchHit {
  return {
    name: r.name,
    version: r.version,
    description: r.description,
    category: r.category,
    keywords: JSON.parse(r.keywords) as string[],
    downloads: Number(r.downloads),
    score: Math.round(Number(r.score) * 1e6) / 1e6,
  };
}

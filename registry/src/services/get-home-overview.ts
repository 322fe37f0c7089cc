import { CATEGORIES } from '@skills/schemas';
import type { Store } from '../db/store.ts';

/**
 * The home page's data: the `shown` most downloaded bundles (with the total), the `shown` latest
 * versions published most recently, and how many bundles each category holds.
 */
export async function getHomeOverview({
  deps,
  input,
}: {
  deps: { store: Pick<Store, 'search' | 'listLatest'> };
  input: { shown: number };
}) {
  const { store } = deps;
  const [popular, latest, counts] = await Promise.all([
    store.search({ limit: input.shown, offset: 0 }),
    store.listLatest(),
    Promise.all(
      CATEGORIES.map(
        async (c) => [c, (await store.search({ category: c, limit: 0, offset: 0 })).total] as const,
      ),
    ),
  ]);
  const recent = [...latest]
    .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0))
    .slice(0, input.shown)
    .map((v) => ({
      name: v.name,
      version: v.version,
      description: v.document.description,
      category: v.document.category,
      keywords: v.document.keywords,
      publishedAt: v.publishedAt,
    }));
  return { popular, recent, counts };
}

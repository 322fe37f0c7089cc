import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { buildCatalog, type CatalogBundle, type CatalogFilter } from '../domain/marketplace-catalog.ts';
import { findSearchPage } from './search-bundles.ts';

export interface MarketplaceResult {
  /** The catalog as served: pretty JSON with a final newline. */
  text: string;
  /** A strong ETag: the sha256 of the text. */
  etag: string;
}

/**
 * A marketplace catalog (docs/marketplace.md), read from the store on every call so every
 * process serves the same one: the configured number of most downloaded bundles, or those of a
 * category, a search (`q`), or a scope (by name). Entries are sorted by plugin name, so a
 * catalog changes only when its bundles or their latest versions do, not with each download.
 */
export async function getMarketplace({
  deps,
  input,
}: {
  deps: Deps;
  input: { origin: string; filter: CatalogFilter };
}): Promise<MarketplaceResult> {
  const catalog = buildCatalog({
    config: deps.marketplace,
    filter: input.filter,
    origin: input.origin,
    bundles: await catalogBundles(deps, input.filter),
  });
  const text = `${JSON.stringify(catalog, null, 2)}\n`;
  return { text, etag: `"${createHash('sha256').update(text).digest('hex')}"` };
}

async function catalogBundles(deps: Deps, filter: CatalogFilter): Promise<CatalogBundle[]> {
  const size = deps.marketplace.size;
  if (filter.scope) {
    const prefix = `@${filter.scope.replace(/^@/, '')}/`;
    return (await deps.store.listLatest())
      .filter((v) => v.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .slice(0, size)
      .map((v) => ({
        name: v.name,
        version: v.version,
        description: v.document.description,
        category: v.document.category ?? null,
        keywords: v.document.keywords,
      }));
  }
  const page = await findSearchPage(deps.store, {
    q: filter.q ?? '',
    limit: size,
    offset: 0,
    ...(filter.category ? { category: filter.category } : {}),
  });
  return page.hits;
}

import { eq, sql } from 'drizzle-orm';
import type { Dialect } from '../dialect.ts';
import { SEARCH_STATE_ROW } from './sync-bundle.ts';

/**
 * The store-wide search revision: one primary-key read. `syncBundle` bumps it in the transaction
 * of every write that changes what search returns; download counts do not.
 */
export function searchRevision(d: Dialect): () => Promise<number> {
  const { searchState } = d.tables;
  const read = d.prepareGet((db) =>
    db
      .select({ revision: searchState.revision })
      .from(searchState)
      .where(eq(searchState.id, sql.placeholder('id')))
      .prepare('search_revision'),
  );
  return async () => Number((await read({ id: SEARCH_STATE_ROW }))?.revision ?? 0);
}

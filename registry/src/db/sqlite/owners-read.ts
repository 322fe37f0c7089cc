import { asc, eq } from 'drizzle-orm';
import type { BundleRecord, Store } from '../store.ts';
import type { Db } from './connection.ts';
import { bundles, owners } from './schema.ts';

/** The bundles a user owns, for the `/~USER` page. Wire in with `...sqliteOwnerReads(db)`. */
export function sqliteOwnerReads(db: Db): Pick<Store, 'listBundlesByOwner'> {
  return {
    async listBundlesByOwner(username) {
      return db
        .select({ b: bundles })
        .from(owners)
        .innerJoin(bundles, eq(bundles.name, owners.name))
        .where(eq(owners.username, username))
        .orderBy(asc(bundles.name))
        .all()
        .map(({ b }): BundleRecord => {
          const { id: _id, folded: _folded, keywords, ...rest } = b;
          return { ...rest, keywords: JSON.parse(keywords) as string[] };
        });
    },
  };
}

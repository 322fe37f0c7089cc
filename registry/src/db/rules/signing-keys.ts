import { asc } from 'drizzle-orm';
import type { Dialect } from '../dialect.ts';
import type { Store } from '../store.ts';

/** The public keys of every registry process that signed with this store. */
export function signingKeyRecords(d: Dialect): Pick<Store, 'registerSigningKey' | 'listSigningKeys'> {
  const { signingKeys } = d.tables;
  return {
    registerSigningKey(key) {
      return d.run(async (q) => {
        await q.insert(signingKeys).values(key).onConflictDoNothing();
      });
    },
    listSigningKeys() {
      return d.run(async (q) =>
        q.select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.keyid)),
      );
    },
  };
}

import { eq, gt, sql } from 'drizzle-orm';
import type { Dialect, Q } from '../dialect.ts';
import type { Store } from '../store.ts';
import { oncePer, prepared } from './prepared.ts';

/**
 * Inside a write: bumps the store-wide change counter and answers its new value, to record on
 * the bundles the write changed. The counter's row lock (PostgreSQL) or the write lock (SQLite)
 * orders the bumps as the commits, so a reader that sees counter N sees every change up to N.
 */
export async function bumpChanges(q: Q, tables: Pick<Dialect['tables'], 'changes'>): Promise<number> {
  const [row] = await bumpOf(tables.changes)(q);
  if (!row) throw new Error('the changes counter row is missing (migration 0005/0004 not applied)');
  return row.seq;
}

type ChangesTable = Dialect['tables']['changes'];
/** The bump, prepared once per table (see `prepared`). */
const bumpOf = oncePer((changes: ChangesTable) =>
  prepared((q) =>
    q
      .update(changes)
      .set({ seq: sql`${changes.seq} + 1` })
      .where(eq(changes.id, 1))
      .returning({ seq: changes.seq })
      .prepare('changes_bump'),
  ),
);

/** `changesSince`: what a process polls to keep its cached bundle documents current. */
export function changeReads(d: Dialect): Pick<Store, 'changesSince'> {
  const { bundles, changes } = d.tables;
  const readSeq = d.prepareGet((db) =>
    db.select({ seq: changes.seq }).from(changes).where(eq(changes.id, 1)).prepare('changes_seq'),
  );
  return {
    async changesSince(since) {
      const now = (await readSeq({}))?.seq ?? 0;
      if (since === undefined || now === since) return { seq: now, bundles: [] };
      return d.snapshot(async (q) => {
        const [row] = await q.select({ seq: changes.seq }).from(changes).where(eq(changes.id, 1));
        const seq = row?.seq ?? now;
        const changed = await q
          .select({ name: bundles.name, revision: bundles.revision, downloads: bundles.downloads })
          .from(bundles)
          .where(gt(bundles.changeSeq, since));
        return { seq, bundles: changed };
      });
    },
  };
}

import { eq, inArray, lt, sql } from 'drizzle-orm';
import type { Dialect } from '../dialect.ts';
import type { Store } from '../store.ts';
import { bumpChanges } from './changes.ts';

/** Rate-limit rows untouched this long are dropped: every bucket has refilled by then. */
const RATE_LIMIT_ROW_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Download counts and rate-limit buckets: counters every process on the store shares.
 * `addDownloads` answers the new totals, by name (bundles that no longer exist are left out).
 */
export function usageCounters(d: Dialect): Pick<Store, 'takeRateLimit'> & {
  addDownloads(counts: ReadonlyMap<string, number>): Promise<Map<string, number>>;
} {
  const { bundles, rateLimits } = d.tables;
  let takes = 0;
  return {
    async addDownloads(counts) {
      const totals = new Map<string, number>();
      if (counts.size === 0) return totals;
      // In name order, and the change counter last (as every writer takes it), so two processes
      // adding for the same bundles never wait on each other in a cycle.
      const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
      await d.transaction(async (q) => {
        for (const [name, n] of sorted) {
          const [row] = await q
            .update(bundles)
            .set({ downloads: sql`${bundles.downloads} + ${n}` })
            .where(eq(bundles.name, name))
            .returning({ downloads: bundles.downloads });
          if (row) totals.set(name, row.downloads);
        }
        if (totals.size === 0) return;
        const changeSeq = await bumpChanges(q, d.tables);
        await q
          .update(bundles)
          .set({ changeSeq })
          .where(inArray(bundles.name, [...totals.keys()]));
      });
      return totals;
    },

    takeRateLimit({ key, capacity, refillMs, nowMs, take = 1 }) {
      const sweep = ++takes % 1000 === 0;
      return d.transaction(async (q) => {
        if (sweep) await q.delete(rateLimits).where(lt(rateLimits.updatedMs, nowMs - RATE_LIMIT_ROW_TTL_MS));
        await q.insert(rateLimits).values({ key, tokens: capacity, updatedMs: nowMs }).onConflictDoNothing();
        const bucket = q.select().from(rateLimits).where(eq(rateLimits.key, key));
        const [row] = await (d.locksRows ? bucket.for('update') : bucket);
        const refilled = row
          ? Math.min(capacity, row.tokens + Math.max(0, nowMs - row.updatedMs) / refillMs)
          : capacity;
        const granted = Math.min(Math.max(1, Math.floor(take)), Math.floor(refilled));
        const allowed = granted >= 1;
        const tokens = allowed ? refilled - granted : refilled;
        await q.update(rateLimits).set({ tokens, updatedMs: nowMs }).where(eq(rateLimits.key, key));
        if (allowed) return { allowed: true as const, granted };
        return {
          allowed: false as const,
          retryAfterSeconds: Math.max(1, Math.ceil(((1 - tokens) * refillMs) / 1000)),
        };
      });
    },
  };
}

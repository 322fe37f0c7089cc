import { eq, lt, sql } from 'drizzle-orm';
import type { Dialect } from '../dialect.ts';
import type { Store } from '../store.ts';

/** Rate-limit rows untouched this long are dropped: every bucket has refilled by then. */
const RATE_LIMIT_ROW_TTL_MS = 24 * 60 * 60 * 1000;

/** Download counts and rate-limit buckets: counters every process on the store shares. */
export function usageCounters(d: Dialect): Pick<Store, 'addDownloads' | 'takeRateLimit'> {
  const { bundles, rateLimits } = d.tables;
  let takes = 0;
  return {
    async addDownloads(counts) {
      if (counts.size === 0) return;
      // In name order, so two processes adding for the same bundles never wait on each other in a cycle.
      const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
      await d.transaction(async (q) => {
        for (const [name, n] of sorted) {
          await q
            .update(bundles)
            .set({ downloads: sql`${bundles.downloads} + ${n}` })
            .where(eq(bundles.name, name));
        }
      });
    },

    takeRateLimit({ key, capacity, refillMs, nowMs }) {
      const sweep = ++takes % 1000 === 0;
      return d.transaction(async (q) => {
        if (sweep) await q.delete(rateLimits).where(lt(rateLimits.updatedMs, nowMs - RATE_LIMIT_ROW_TTL_MS));
        await q.insert(rateLimits).values({ key, tokens: capacity, updatedMs: nowMs }).onConflictDoNothing();
        const bucket = q.select().from(rateLimits).where(eq(rateLimits.key, key));
        const [row] = await (d.locksRows ? bucket.for('update') : bucket);
        const refilled = row
          ? Math.min(capacity, row.tokens + Math.max(0, nowMs - row.updatedMs) / refillMs)
          : capacity;
        const allowed = refilled >= 1;
        const tokens = allowed ? refilled - 1 : refilled;
        await q.update(rateLimits).set({ tokens, updatedMs: nowMs }).where(eq(rateLimits.key, key));
        if (allowed) return { allowed: true as const };
        return {
          allowed: false as const,
          retryAfterSeconds: Math.max(1, Math.ceil(((1 - tokens) * refillMs) / 1000)),
        };
      });
    },
  };
}

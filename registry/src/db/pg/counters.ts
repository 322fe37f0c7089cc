import { asc, eq, lt, sql } from 'drizzle-orm';
import type { Store } from '../store.ts';
import { listAudit } from './audit.ts';
import type { Db } from './connection.ts';
import { bundles, rateLimits, signingKeys } from './schema.ts';

type CounterMethods = Pick<
  Store,
  'addDownloads' | 'takeRateLimit' | 'registerSigningKey' | 'listSigningKeys' | 'listAudit'
>;

/** Rate-limit rows untouched this long are dropped: every bucket has refilled by then. */
const RATE_LIMIT_ROW_TTL_MS = 24 * 60 * 60 * 1000;

/** Download counts, rate-limit buckets (row-locked), signing keys and the audit log reader. */
export function pgCounters(db: Db): CounterMethods {
  let takes = 0;
  return {
    async addDownloads(counts) {
      if (counts.size === 0) return;
      await db.transaction(async (tx) => {
        for (const [name, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
          await tx
            .update(bundles)
            .set({ downloads: sql`${bundles.downloads} + ${n}` })
            .where(eq(bundles.name, name));
        }
      });
    },

    async takeRateLimit({ key, capacity, refillMs, nowMs }) {
      return db.transaction(async (tx) => {
        if (++takes % 1000 === 0)
          await tx.delete(rateLimits).where(lt(rateLimits.updatedMs, nowMs - RATE_LIMIT_ROW_TTL_MS));
        await tx.insert(rateLimits).values({ key, tokens: capacity, updatedMs: nowMs }).onConflictDoNothing();
        const [row] = await tx.select().from(rateLimits).where(eq(rateLimits.key, key)).for('update');
        const refilled = row
          ? Math.min(capacity, row.tokens + Math.max(0, nowMs - row.updatedMs) / refillMs)
          : capacity;
        const allowed = refilled >= 1;
        const tokens = allowed ? refilled - 1 : refilled;
        await tx.update(rateLimits).set({ tokens, updatedMs: nowMs }).where(eq(rateLimits.key, key));
        if (allowed) return { allowed: true as const };
        return {
          allowed: false as const,
          retryAfterSeconds: Math.max(1, Math.ceil(((1 - tokens) * refillMs) / 1000)),
        };
      });
    },

    async registerSigningKey(key) {
      await db.insert(signingKeys).values(key).onConflictDoNothing();
    },

    async listSigningKeys() {
      return db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.keyid));
    },

    async listAudit(filter) {
      return listAudit(db, filter);
    },
  };
}

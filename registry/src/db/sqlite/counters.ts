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

/** Download counts, rate-limit buckets, signing keys and the audit log reader. */
export function sqliteCounters(db: Db): CounterMethods {
  let takes = 0;
  return {
    async addDownloads(counts) {
      if (counts.size === 0) return;
      db.transaction((tx) => {
        for (const [name, n] of counts) {
          tx.update(bundles)
            .set({ downloads: sql`${bundles.downloads} + ${n}` })
            .where(eq(bundles.name, name))
            .run();
        }
      });
    },

    async takeRateLimit({ key, capacity, refillMs, nowMs }) {
      return db.transaction(
        (tx) => {
          if (++takes % 1000 === 0) {
            tx.delete(rateLimits)
              .where(lt(rateLimits.updatedMs, nowMs - RATE_LIMIT_ROW_TTL_MS))
              .run();
          }
          const row = tx.select().from(rateLimits).where(eq(rateLimits.key, key)).get();
          const refilled = row
            ? Math.min(capacity, row.tokens + Math.max(0, nowMs - row.updatedMs) / refillMs)
            : capacity;
          const allowed = refilled >= 1;
          const tokens = allowed ? refilled - 1 : refilled;
          tx.insert(rateLimits)
            .values({ key, tokens, updatedMs: nowMs })
            .onConflictDoUpdate({ target: rateLimits.key, set: { tokens, updatedMs: nowMs } })
            .run();
          if (allowed) return { allowed: true as const };
          return {
            allowed: false as const,
            retryAfterSeconds: Math.max(1, Math.ceil(((1 - tokens) * refillMs) / 1000)),
          };
        },
        { behavior: 'immediate' },
      );
    },

    async registerSigningKey(key) {
      db.insert(signingKeys).values(key).onConflictDoNothing().run();
    },

    async listSigningKeys() {
      return db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.keyid)).all();
    },

    async listAudit(filter) {
      return listAudit(db, filter);
    },
  };
}

import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { findLookAlike } from '../../domain/look-alike.ts';
import type { Store } from '../store.ts';
import { writeAudit } from './audit.ts';
import { type Db, type Tx, withWriteLock } from './connection.ts';
import { tokens, users } from './schema.ts';

/** A token's last use is written at most this often, so authenticated reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

type UserMethods = Pick<
  Store,
  'createUser' | 'getUser' | 'createToken' | 'findToken' | 'listTokens' | 'revokeToken' | 'touchToken'
>;

export function pgUsers(db: Db): UserMethods {
  return {
    async createUser(user, audit) {
      // The write lock serialises sign-ups, so two look-alikes cannot both pass the scan.
      return withWriteLock(db, async (tx) => {
        const taken = (await tx.select({ username: users.username }).from(users)).map((u) => u.username);
        if (taken.includes(user.username)) return 'exists' as const;
        const lookAlike = findLookAlike(user.username, taken);
        if (lookAlike) return { lookAlike };
        await tx.insert(users).values(user);
        await writeAudit(tx, audit, 'user.create', `~${user.username}`, { admin: user.admin });
        return 'created' as const;
      });
    },
    async getUser(username) {
      const [row] = await db.select().from(users).where(eq(users.username, username));
      return row;
    },
    async createToken(token, audit) {
      return db.transaction(async (tx) => {
        if (token.parentId !== null) {
          // The row lock orders this against a revocation of the parent (see revokeToken).
          const [parent] = await tx
            .select({ revokedAt: tokens.revokedAt })
            .from(tokens)
            .where(eq(tokens.id, token.parentId))
            .for('update');
          if (!parent || parent.revokedAt !== null) return false;
        }
        await tx.insert(tokens).values(token);
        await writeAudit(tx, audit, 'token.create', `~${token.username}`, {
          id: token.id,
          scope: token.scope,
          ...(token.parentId ? { parent: token.parentId } : {}),
        });
        return true;
      });
    },
    async findToken(hash) {
      const [row] = await db
        .select({ token: tokens, admin: users.admin })
        .from(tokens)
        .innerJoin(users, eq(users.username, tokens.username))
        .where(eq(tokens.hash, hash));
      return row ? { ...row.token, admin: row.admin } : undefined;
    },
    async listTokens(username) {
      return db
        .select()
        .from(tokens)
        .where(and(eq(tokens.username, username), isNull(tokens.revokedAt)))
        .orderBy(asc(tokens.createdAt), asc(tokens.id));
    },
    async revokeToken({ username, id }, audit) {
      return db.transaction(async (tx) => {
        const res = await tx
          .update(tokens)
          .set({ revokedAt: audit.at })
          .where(and(eq(tokens.id, id), eq(tokens.username, username), isNull(tokens.revokedAt)))
          .returning({ id: tokens.id });
        if (res.length === 0) return false;
        const minted = await revokeMinted(tx, id, audit.at);
        await writeAudit(tx, audit, 'token.revoke', `~${username}`, {
          id,
          ...(minted > 0 ? { minted } : {}),
        });
        return true;
      });
    },
    async touchToken(id, at) {
      const before = new Date(Date.parse(at) - TOUCH_EVERY_MS).toISOString();
      await db
        .update(tokens)
        .set({ lastUsedAt: at })
        .where(and(eq(tokens.id, id), or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, before))));
    },
  };
}

/**
 * Revokes every live token minted from `id`, at any depth. A mint in flight holds its parent's
 * row lock: the UPDATE that reaches that parent waits for it, but its snapshot predates the new
 * child, so the walk repeats (each statement a fresh snapshot) until it finds nothing left.
 */
async function revokeMinted(tx: Tx, id: string, at: string): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await tx.execute(sql`
      WITH RECURSIVE tree(id) AS (
        SELECT id FROM tokens WHERE parent_id = ${id}
        UNION SELECT t.id FROM tokens t JOIN tree ON t.parent_id = tree.id
      )
      UPDATE tokens SET revoked_at = ${at}
      WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL`);
    const n = res.rowCount ?? 0;
    if (n === 0) return total;
    total += n;
  }
}

import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Store } from '../store.ts';
import { writeAudit } from './audit.ts';
import type { Db } from './connection.ts';
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
      return db.transaction(async (tx) => {
        const inserted = await tx
          .insert(users)
          .values(user)
          .onConflictDoNothing()
          .returning({ u: users.username });
        if (inserted.length === 0) return 'exists' as const;
        await writeAudit(tx, audit, 'user.create', `~${user.username}`, { admin: user.admin });
        return 'created' as const;
      });
    },
    async getUser(username) {
      const [row] = await db.select().from(users).where(eq(users.username, username));
      return row;
    },
    async createToken(token, audit) {
      await db.transaction(async (tx) => {
        await tx.insert(tokens).values(token);
        await writeAudit(tx, audit, 'token.create', `~${token.username}`, {
          id: token.id,
          scope: token.scope,
        });
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
        await writeAudit(tx, audit, 'token.revoke', `~${username}`, { id });
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

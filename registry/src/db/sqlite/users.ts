import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { findLookAlike } from '../../domain/look-alike.ts';
import type { Store, TokenRecord, UserRecord } from '../store.ts';
import { writeAudit } from './audit.ts';
import type { Db } from './connection.ts';
import { tokens, users } from './schema.ts';

/** A token's last use is written at most this often, so authenticated reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

type UserMethods = Pick<
  Store,
  'createUser' | 'getUser' | 'createToken' | 'findToken' | 'listTokens' | 'revokeToken' | 'touchToken'
>;

export function sqliteUsers(db: Db): UserMethods {
  const findByHash = db
    .select({ token: tokens, admin: users.admin })
    .from(tokens)
    .innerJoin(users, eq(users.username, tokens.username))
    .where(eq(tokens.hash, sql.placeholder('hash')))
    .limit(1)
    .prepare();
  return {
    async createUser(user, audit) {
      return db.transaction(
        (tx) => {
          const taken = tx.select({ username: users.username }).from(users).all();
          if (taken.some((u) => u.username === user.username)) return 'exists' as const;
          const lookAlike = findLookAlike(
            user.username,
            taken.map((u) => u.username),
          );
          if (lookAlike) return { lookAlike };
          tx.insert(users).values(user).run();
          writeAudit(tx, audit, 'user.create', `~${user.username}`, { admin: user.admin });
          return 'created' as const;
        },
        { behavior: 'immediate' },
      );
    },
    async getUser(username) {
      const row = db.select().from(users).where(eq(users.username, username)).get();
      return row ? toUser(row) : undefined;
    },
    async createToken(token, audit) {
      return db.transaction(
        (tx) => {
          if (token.parentId !== null) {
            const parent = tx
              .select({ revokedAt: tokens.revokedAt })
              .from(tokens)
              .where(eq(tokens.id, token.parentId))
              .get();
            if (!parent || parent.revokedAt !== null) return false;
          }
          tx.insert(tokens).values(token).run();
          writeAudit(tx, audit, 'token.create', `~${token.username}`, {
            id: token.id,
            scope: token.scope,
            ...(token.parentId ? { parent: token.parentId } : {}),
          });
          return true;
        },
        { behavior: 'immediate' },
      );
    },
    async findToken(hash) {
      const row = findByHash.get({ hash });
      return row ? { ...toToken(row.token), admin: row.admin } : undefined;
    },
    async listTokens(username) {
      return db
        .select()
        .from(tokens)
        .where(and(eq(tokens.username, username), isNull(tokens.revokedAt)))
        .orderBy(asc(tokens.createdAt), asc(tokens.id))
        .all()
        .map(toToken);
    },
    async revokeToken({ username, id }, audit) {
      return db.transaction(
        (tx) => {
          const res = tx
            .update(tokens)
            .set({ revokedAt: audit.at })
            .where(and(eq(tokens.id, id), eq(tokens.username, username), isNull(tokens.revokedAt)))
            .run();
          if (res.changes === 0) return false;
          // IMMEDIATE serialises writers, so no child can be minted between these two statements.
          const minted = tx.run(sql`
            WITH RECURSIVE tree(id) AS (
              SELECT id FROM tokens WHERE parent_id = ${id}
              UNION SELECT t.id FROM tokens t JOIN tree ON t.parent_id = tree.id
            )
            UPDATE tokens SET revoked_at = ${audit.at}
            WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL`);
          writeAudit(tx, audit, 'token.revoke', `~${username}`, {
            id,
            ...(minted.changes > 0 ? { minted: minted.changes } : {}),
          });
          return true;
        },
        { behavior: 'immediate' },
      );
    },
    async touchToken(id, at) {
      const before = new Date(Date.parse(at) - TOUCH_EVERY_MS).toISOString();
      db.update(tokens)
        .set({ lastUsedAt: at })
        .where(and(eq(tokens.id, id), or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, before))))
        .run();
    },
  };
}

function toUser(row: typeof users.$inferSelect): UserRecord {
  return { ...row };
}

function toToken(row: typeof tokens.$inferSelect): TokenRecord {
  return { ...row };
}

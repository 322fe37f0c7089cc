import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { findLookAlike } from '../../domain/look-alike.ts';
import type { Dialect, Q, Tables } from '../dialect.ts';
import type { Store } from '../store.ts';
import { auditRecorder } from './audit.ts';

/** A token's last use is written at most this often, so authenticated reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

type AccountMethods = Pick<
  Store,
  'createUser' | 'getUser' | 'createToken' | 'findToken' | 'listTokens' | 'revokeToken' | 'touchToken'
>;

/** Users and their tokens; each write one transaction with its audit entry. */
export function accounts(d: Dialect): AccountMethods {
  const { users, tokens } = d.tables;
  const recordAudit = auditRecorder(d.tables);
  const readToken = d.prepareGet((db) =>
    db
      .select({ token: tokens, admin: users.admin })
      .from(tokens)
      .innerJoin(users, eq(users.username, tokens.username))
      .where(eq(tokens.hash, sql.placeholder('hash')))
      .limit(1)
      .prepare('token_by_hash'),
  );
  return {
    createUser(user, audit) {
      // The write lock serialises sign-ups, so two look-alikes cannot both pass the scan.
      return d.write(async (q) => {
        const taken = (await q.select({ username: users.username }).from(users)).map((u) => u.username);
        if (taken.includes(user.username)) return 'exists' as const;
        const lookAlike = findLookAlike(user.username, taken);
        if (lookAlike) return { lookAlike };
        await q.insert(users).values(user);
        await recordAudit(q, audit, 'user.create', `~${user.username}`, { admin: user.admin });
        return 'created' as const;
      });
    },
    getUser(username) {
      return d.run(async (q) => (await q.select().from(users).where(eq(users.username, username)))[0]);
    },
    createToken(token, audit) {
      return d.transaction(async (q) => {
        if (token.parentId !== null) {
          // Where rows are locked, this orders the mint against a revocation of the parent.
          const parentRow = q
            .select({ revokedAt: tokens.revokedAt })
            .from(tokens)
            .where(eq(tokens.id, token.parentId));
          const [parent] = await (d.locksRows ? parentRow.for('update') : parentRow);
          if (!parent || parent.revokedAt !== null) return false;
        }
        await q.insert(tokens).values(token);
        await recordAudit(q, audit, 'token.create', `~${token.username}`, {
          id: token.id,
          scope: token.scope,
          ...(token.parentId ? { parent: token.parentId } : {}),
        });
        return true;
      });
    },
    async findToken(hash) {
      const row = await readToken({ hash });
      return row ? { ...row.token, admin: row.admin } : undefined;
    },
    listTokens(username) {
      return d.run(async (q) =>
        q
          .select()
          .from(tokens)
          .where(and(eq(tokens.username, username), isNull(tokens.revokedAt)))
          .orderBy(asc(tokens.createdAt), asc(tokens.id)),
      );
    },
    revokeToken({ username, id }, audit) {
      return d.transaction(async (q) => {
        const res = await q
          .update(tokens)
          .set({ revokedAt: audit.at })
          .where(and(eq(tokens.id, id), eq(tokens.username, username), isNull(tokens.revokedAt)))
          .returning({ id: tokens.id });
        if (res.length === 0) return false;
        const minted = await revokeMinted(q, d.tables, { id, at: audit.at });
        await recordAudit(q, audit, 'token.revoke', `~${username}`, {
          id,
          ...(minted > 0 ? { minted } : {}),
        });
        return true;
      });
    },
    touchToken(id, at) {
      const before = new Date(Date.parse(at) - TOUCH_EVERY_MS).toISOString();
      return d.run(async (q) => {
        await q
          .update(tokens)
          .set({ lastUsedAt: at })
          .where(and(eq(tokens.id, id), or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, before))));
      });
    },
  };
}

/**
 * Revokes every live token minted from `id`, at any depth, one generation per statement; answers
 * how many. On PostgreSQL a mint in flight holds its parent's row lock (see createToken): the
 * UPDATE reaching that parent waits for it, and the next generation's SELECT, a fresh snapshot,
 * sees the new child. On SQLite the write transaction already excludes every mint.
 */
async function revokeMinted(q: Q, { tokens }: Tables, input: { id: string; at: string }): Promise<number> {
  let total = 0;
  for (let parents = [input.id]; ; ) {
    const children = await q.select({ id: tokens.id }).from(tokens).where(inArray(tokens.parentId, parents));
    if (children.length === 0) return total;
    parents = children.map((c) => c.id);
    const revoked = await q
      .update(tokens)
      .set({ revokedAt: input.at })
      .where(and(inArray(tokens.id, parents), isNull(tokens.revokedAt)))
      .returning({ id: tokens.id });
    total += revoked.length;
  }
}

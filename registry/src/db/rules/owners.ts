import { and, eq } from 'drizzle-orm';
import type { Dialect, Q } from '../dialect.ts';
import type { OwnerOutcome, Store } from '../store.ts';
import { auditRecorder } from './audit.ts';
import { readOwners } from './bundles-read.ts';
import { scopeOwners } from './publish-checks.ts';
import { bundleSync } from './sync-bundle.ts';

type OwnerMethods = Pick<
  Store,
  'addOwner' | 'removeOwner' | 'getScopeOwners' | 'addScopeOwner' | 'removeScopeOwner'
>;

/** Owners of bundles and of scopes: each change one write with its audit entry. */
export function ownership(d: Dialect): OwnerMethods {
  const t = d.tables;
  const { bundles, owners, scopes, users } = t;
  const { touchBundle } = bundleSync(d);
  const recordAudit = auditRecorder(t);
  const userExists = async (q: Q, username: string) =>
    (await q.select({ u: users.username }).from(users).where(eq(users.username, username))).length > 0;
  const sortedScopeOwners = async (q: Q, scope: string) => (await scopeOwners(q, t, scope)).sort();
  return {
    addOwner({ name, username }, audit) {
      return d.write(async (q) => {
        if ((await q.select({ id: bundles.id }).from(bundles).where(eq(bundles.name, name))).length === 0) {
          return { refused: 'NOT_FOUND' as const };
        }
        if (!(await userExists(q, username))) return { refused: 'NO_USER' as const };
        const owner = { name, username, addedAt: audit.at };
        const added = await q.insert(owners).values(owner).onConflictDoNothing().returning();
        if (added.length > 0) {
          await touchBundle(q, name, audit.at);
          await recordAudit(q, audit, 'owner.add', name, { username });
        }
        return { ok: true as const, owners: await readOwners(q, t, name) };
      });
    },

    removeOwner({ name, username }, audit) {
      return d.write(async (q) => {
        const refusal = removalRefusal(await readOwners(q, t, name), username);
        if (refusal) return refusal;
        await q.delete(owners).where(and(eq(owners.name, name), eq(owners.username, username)));
        await touchBundle(q, name, audit.at);
        await recordAudit(q, audit, 'owner.remove', name, { username });
        return { ok: true as const, owners: await readOwners(q, t, name) };
      });
    },

    getScopeOwners(scope) {
      return d.run((q) => sortedScopeOwners(q, scope));
    },

    addScopeOwner({ scope, username }, audit) {
      return d.write(async (q) => {
        if (!(await userExists(q, username))) return { refused: 'NO_USER' as const };
        const owner = { scope, username, addedAt: audit.at };
        const added = await q.insert(scopes).values(owner).onConflictDoNothing().returning();
        if (added.length > 0) await recordAudit(q, audit, 'scope-owner.add', `@${scope}`, { username });
        return { ok: true as const, owners: await sortedScopeOwners(q, scope) };
      });
    },

    removeScopeOwner({ scope, username }, audit) {
      return d.write(async (q) => {
        const refusal = removalRefusal(await scopeOwners(q, t, scope), username);
        if (refusal) return refusal;
        await q.delete(scopes).where(and(eq(scopes.scope, scope), eq(scopes.username, username)));
        await recordAudit(q, audit, 'scope-owner.remove', `@${scope}`, { username });
        return { ok: true as const, owners: await sortedScopeOwners(q, scope) };
      });
    },
  };
}

/** Why `username` cannot be removed from `current` (a bundle's or a scope's owners), if so. */
function removalRefusal(
  current: string[],
  username: string,
): Exclude<OwnerOutcome, { ok: true }> | undefined {
  if (current.length === 0) return { refused: 'NOT_FOUND' };
  if (!current.includes(username)) return { refused: 'NO_USER' };
  if (current.length === 1) return { refused: 'LAST_OWNER' };
  return undefined;
}

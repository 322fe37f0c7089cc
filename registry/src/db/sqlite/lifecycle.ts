import { and, eq } from 'drizzle-orm';
import { pickLatest } from '../../domain/latest.ts';
import type { Store } from '../store.ts';
import { writeAudit } from './audit.ts';
import { readOwners } from './bundles-read.ts';
import type { Db, Q } from './connection.ts';
import { scopeOwners } from './publish.ts';
import { bundles, distTags, owners, scopes, users, versions } from './schema.ts';
import { setTag, syncBundle, touchBundle } from './sync-bundle.ts';

type LifecycleMethods = Pick<
  Store,
  | 'setDistTag'
  | 'removeDistTag'
  | 'setDeprecated'
  | 'setYanked'
  | 'addOwner'
  | 'removeOwner'
  | 'getScopeOwners'
  | 'addScopeOwner'
  | 'removeScopeOwner'
>;

/** Dist-tags, deprecation, yanking and ownership: each write one transaction with its audit entry. */
export function sqliteLifecycle(db: Db): LifecycleMethods {
  const immediate = { behavior: 'immediate' } as const;
  return {
    async setDistTag({ name, tag, version }, audit) {
      return db.transaction((tx) => {
        const all = tx
          .select({ version: versions.version, yanked: versions.yanked })
          .from(versions)
          .where(eq(versions.name, name))
          .all();
        const target = all.find((v) => v.version === version);
        if (!target) return { refused: 'NOT_FOUND' as const };
        if (target.yanked) return { refused: 'YANKED' as const };
        setTag(tx, name, tag, version);
        if (tag === 'latest') {
          tx.update(bundles)
            .set({ latestPinned: version !== pickLatest(all) })
            .where(eq(bundles.name, name))
            .run();
        }
        syncBundle(tx, name, audit.at);
        writeAudit(tx, audit, 'dist-tag.set', name, { tag, version });
        return { ok: true as const };
      }, immediate);
    },

    async removeDistTag({ name, tag }, audit) {
      if (tag === 'latest') return { refused: 'LATEST' };
      return db.transaction((tx) => {
        const res = tx
          .delete(distTags)
          .where(and(eq(distTags.name, name), eq(distTags.tag, tag)))
          .run();
        if (res.changes === 0) return { refused: 'NOT_FOUND' as const };
        touchBundle(tx, name, audit.at);
        writeAudit(tx, audit, 'dist-tag.remove', name, { tag });
        return { ok: true as const };
      }, immediate);
    },

    async setDeprecated({ name, version, message }, audit) {
      return db.transaction((tx) => {
        const res = tx
          .update(versions)
          .set({ deprecated: message })
          .where(and(eq(versions.name, name), eq(versions.version, version)))
          .run();
        if (res.changes === 0) return false;
        touchBundle(tx, name, audit.at);
        writeAudit(tx, audit, message ? 'version.deprecate' : 'version.undeprecate', name, {
          version,
          ...(message ? { message } : {}),
        });
        return true;
      }, immediate);
    },

    async setYanked({ name, version, yanked }, audit) {
      return db.transaction((tx) => {
        const res = tx
          .update(versions)
          .set({ yanked })
          .where(and(eq(versions.name, name), eq(versions.version, version)))
          .run();
        if (res.changes === 0) return false;
        const latest = tx
          .select({ version: distTags.version })
          .from(distTags)
          .where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')))
          .get()?.version;
        if (yanked && latest === version) {
          tx.update(bundles).set({ latestPinned: false }).where(eq(bundles.name, name)).run();
        }
        syncBundle(tx, name, audit.at);
        writeAudit(tx, audit, yanked ? 'version.yank' : 'version.unyank', name, { version });
        return true;
      }, immediate);
    },

    async addOwner({ name, username }, audit) {
      return db.transaction((tx) => {
        if (!tx.select({ id: bundles.id }).from(bundles).where(eq(bundles.name, name)).get()) {
          return { refused: 'NOT_FOUND' as const };
        }
        if (!userExists(tx, username)) return { refused: 'NO_USER' as const };
        const res = tx
          .insert(owners)
          .values({ name, username, addedAt: audit.at })
          .onConflictDoNothing()
          .run();
        if (res.changes > 0) {
          touchBundle(tx, name, audit.at);
          writeAudit(tx, audit, 'owner.add', name, { username });
        }
        return { ok: true as const, owners: readOwners(tx, name) };
      }, immediate);
    },

    async removeOwner({ name, username }, audit) {
      return db.transaction((tx) => {
        const current = readOwners(tx, name);
        if (current.length === 0) return { refused: 'NOT_FOUND' as const };
        if (!current.includes(username)) return { refused: 'NO_USER' as const };
        if (current.length === 1) return { refused: 'LAST_OWNER' as const };
        tx.delete(owners)
          .where(and(eq(owners.name, name), eq(owners.username, username)))
          .run();
        touchBundle(tx, name, audit.at);
        writeAudit(tx, audit, 'owner.remove', name, { username });
        return { ok: true as const, owners: readOwners(tx, name) };
      }, immediate);
    },

    async getScopeOwners(scope) {
      return scopeOwners(db, scope).sort();
    },

    async addScopeOwner({ scope, username }, audit) {
      return db.transaction((tx) => {
        if (!userExists(tx, username)) return { refused: 'NO_USER' as const };
        const res = tx
          .insert(scopes)
          .values({ scope, username, addedAt: audit.at })
          .onConflictDoNothing()
          .run();
        if (res.changes > 0) writeAudit(tx, audit, 'scope-owner.add', `@${scope}`, { username });
        return { ok: true as const, owners: scopeOwners(tx, scope).sort() };
      }, immediate);
    },

    async removeScopeOwner({ scope, username }, audit) {
      return db.transaction((tx) => {
        const current = scopeOwners(tx, scope);
        if (current.length === 0) return { refused: 'NOT_FOUND' as const };
        if (!current.includes(username)) return { refused: 'NO_USER' as const };
        if (current.length === 1) return { refused: 'LAST_OWNER' as const };
        tx.delete(scopes)
          .where(and(eq(scopes.scope, scope), eq(scopes.username, username)))
          .run();
        writeAudit(tx, audit, 'scope-owner.remove', `@${scope}`, { username });
        return { ok: true as const, owners: scopeOwners(tx, scope).sort() };
      }, immediate);
    },
  };
}

function userExists(q: Q, username: string): boolean {
  return q.select({ u: users.username }).from(users).where(eq(users.username, username)).get() !== undefined;
}

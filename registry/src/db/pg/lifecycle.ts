import { and, eq } from 'drizzle-orm';
import { pickLatest } from '../../domain/latest.ts';
import type { Store } from '../store.ts';
import { writeAudit } from './audit.ts';
import { readOwners } from './bundles-read.ts';
import { type Db, type Q, withWriteLock } from './connection.ts';
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

/** Dist-tags, deprecation, yanking and ownership; the twin of `../sqlite/lifecycle.ts`. */
export function pgLifecycle(db: Db): LifecycleMethods {
  return {
    async setDistTag({ name, tag, version }, audit) {
      return withWriteLock(db, async (tx) => {
        const all = await tx
          .select({ version: versions.version, yanked: versions.yanked })
          .from(versions)
          .where(eq(versions.name, name));
        const target = all.find((v) => v.version === version);
        if (!target) return { refused: 'NOT_FOUND' as const };
        if (target.yanked) return { refused: 'YANKED' as const };
        await setTag(tx, name, tag, version);
        if (tag === 'latest') {
          await tx
            .update(bundles)
            .set({ latestPinned: version !== pickLatest(all) })
            .where(eq(bundles.name, name));
        }
        await syncBundle(tx, name, audit.at);
        await writeAudit(tx, audit, 'dist-tag.set', name, { tag, version });
        return { ok: true as const };
      });
    },

    async removeDistTag({ name, tag }, audit) {
      if (tag === 'latest') return { refused: 'LATEST' };
      return withWriteLock(db, async (tx) => {
        const res = await tx
          .delete(distTags)
          .where(and(eq(distTags.name, name), eq(distTags.tag, tag)))
          .returning({ tag: distTags.tag });
        if (res.length === 0) return { refused: 'NOT_FOUND' as const };
        await touchBundle(tx, name, audit.at);
        await writeAudit(tx, audit, 'dist-tag.remove', name, { tag });
        return { ok: true as const };
      });
    },

    async setDeprecated({ name, version, message }, audit) {
      return withWriteLock(db, async (tx) => {
        const res = await tx
          .update(versions)
          .set({ deprecated: message })
          .where(and(eq(versions.name, name), eq(versions.version, version)))
          .returning({ v: versions.version });
        if (res.length === 0) return false;
        await touchBundle(tx, name, audit.at);
        await writeAudit(tx, audit, message ? 'version.deprecate' : 'version.undeprecate', name, {
          version,
          ...(message ? { message } : {}),
        });
        return true;
      });
    },

    async setYanked({ name, version, yanked }, audit) {
      return withWriteLock(db, async (tx) => {
        const res = await tx
          .update(versions)
          .set({ yanked })
          .where(and(eq(versions.name, name), eq(versions.version, version)))
          .returning({ v: versions.version });
        if (res.length === 0) return false;
        const [latest] = await tx
          .select({ version: distTags.version })
          .from(distTags)
          .where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')));
        if (yanked && latest?.version === version) {
          await tx.update(bundles).set({ latestPinned: false }).where(eq(bundles.name, name));
        }
        await syncBundle(tx, name, audit.at);
        await writeAudit(tx, audit, yanked ? 'version.yank' : 'version.unyank', name, { version });
        return true;
      });
    },

    async addOwner({ name, username }, audit) {
      return withWriteLock(db, async (tx) => {
        if ((await tx.select({ id: bundles.id }).from(bundles).where(eq(bundles.name, name))).length === 0) {
          return { refused: 'NOT_FOUND' as const };
        }
        if (!(await userExists(tx, username))) return { refused: 'NO_USER' as const };
        const res = await tx
          .insert(owners)
          .values({ name, username, addedAt: audit.at })
          .onConflictDoNothing()
          .returning({ u: owners.username });
        if (res.length > 0) {
          await touchBundle(tx, name, audit.at);
          await writeAudit(tx, audit, 'owner.add', name, { username });
        }
        return { ok: true as const, owners: await readOwners(tx, name) };
      });
    },

    async removeOwner({ name, username }, audit) {
      return withWriteLock(db, async (tx) => {
        const current = await readOwners(tx, name);
        if (current.length === 0) return { refused: 'NOT_FOUND' as const };
        if (!current.includes(username)) return { refused: 'NO_USER' as const };
        if (current.length === 1) return { refused: 'LAST_OWNER' as const };
        await tx.delete(owners).where(and(eq(owners.name, name), eq(owners.username, username)));
        await touchBundle(tx, name, audit.at);
        await writeAudit(tx, audit, 'owner.remove', name, { username });
        return { ok: true as const, owners: await readOwners(tx, name) };
      });
    },

    async getScopeOwners(scope) {
      return (await scopeOwners(db, scope)).sort();
    },

    async addScopeOwner({ scope, username }, audit) {
      return withWriteLock(db, async (tx) => {
        if (!(await userExists(tx, username))) return { refused: 'NO_USER' as const };
        const res = await tx
          .insert(scopes)
          .values({ scope, username, addedAt: audit.at })
          .onConflictDoNothing()
          .returning({ u: scopes.username });
        if (res.length > 0) await writeAudit(tx, audit, 'scope-owner.add', `@${scope}`, { username });
        return { ok: true as const, owners: (await scopeOwners(tx, scope)).sort() };
      });
    },

    async removeScopeOwner({ scope, username }, audit) {
      return withWriteLock(db, async (tx) => {
        const current = await scopeOwners(tx, scope);
        if (current.length === 0) return { refused: 'NOT_FOUND' as const };
        if (!current.includes(username)) return { refused: 'NO_USER' as const };
        if (current.length === 1) return { refused: 'LAST_OWNER' as const };
        await tx.delete(scopes).where(and(eq(scopes.scope, scope), eq(scopes.username, username)));
        await writeAudit(tx, audit, 'scope-owner.remove', `@${scope}`, { username });
        return { ok: true as const, owners: (await scopeOwners(tx, scope)).sort() };
      });
    },
  };
}

async function userExists(q: Q, username: string): Promise<boolean> {
  return (await q.select({ u: users.username }).from(users).where(eq(users.username, username))).length > 0;
}

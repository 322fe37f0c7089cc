import { foldName, parseBundleName } from '@skills/schemas';
import { and, desc, eq, gte } from 'drizzle-orm';
import { withinOneEdit } from '../../domain/levenshtein.ts';
import { scopeClaimRefusal } from '../../domain/look-alike.ts';
import type { PublishClaim, PublishOutcome, PublishRefusal, Store } from '../store.ts';
import { writeAudit } from './audit.ts';
import type { Db, Q } from './connection.ts';
import { bundles, owners, pendingPublishes, publishedVersions, scopes, versions } from './schema.ts';
import { setTag, syncBundle } from './sync-bundle.ts';

type PublishMethods = Pick<Store, 'reservePublish' | 'commitPublish' | 'releasePublish'>;

/** How many popular bundles a new name is compared with for the close-name flag. */
const CLOSE_NAME_CANDIDATES = 1000;

export function sqlitePublish(db: Db): PublishMethods {
  return {
    async reservePublish(claim) {
      return db.transaction(
        (tx): PublishOutcome => {
          const refusal = checkPublish(tx, claim);
          if (refusal) return refusal;
          const pending = readClaim(tx, claim);
          if (pending && pending.nonce !== claim.nonce && pending.startedAt >= claim.staleBefore) {
            return { refused: 'PUBLISH_IN_PROGRESS' };
          }
          tx.insert(pendingPublishes)
            .values({ name: claim.name, version: claim.version, nonce: claim.nonce, startedAt: claim.at })
            .onConflictDoUpdate({
              target: [pendingPublishes.name, pendingPublishes.version],
              set: { nonce: claim.nonce, startedAt: claim.at },
            })
            .run();
          return { ok: true, created: !bundleExists(tx, claim.name), closeTo: null };
        },
        { behavior: 'immediate' },
      );
    },

    async commitPublish(input, audit) {
      return db.transaction(
        (tx): PublishOutcome => {
          if (readClaim(tx, input)?.nonce !== input.nonce) return { refused: 'CLAIM_LOST' };
          const refusal = checkPublish(tx, input);
          if (refusal) return refusal;
          const { name, version, actor, at } = input;
          const created = !bundleExists(tx, name);
          let closeTo: string | null = null;
          if (created) {
            const scope = parseBundleName(name)?.scope ?? null;
            closeTo = findCloseName(tx, name, input.popularDownloads);
            tx.insert(bundles)
              .values({ name, folded: foldName(name), scope, closeTo, createdAt: at, updatedAt: at })
              .run();
            tx.insert(owners).values({ name, username: actor.username, addedAt: at }).run();
            if (scope && scopeOwners(tx, scope).length === 0) {
              tx.insert(scopes).values({ scope, username: actor.username, addedAt: at }).run();
            }
          }
          tx.insert(versions)
            .values({
              name,
              version,
              integrity: input.integrity,
              sha256: input.sha256,
              size: input.size,
              document: JSON.stringify(input.document),
              publishedBy: actor.username,
              publishedAt: at,
            })
            .run();
          tx.insert(publishedVersions)
            .values({ name, version, integrity: input.integrity, publishedAt: at })
            .run();
          tx.delete(pendingPublishes)
            .where(and(eq(pendingPublishes.name, name), eq(pendingPublishes.version, version)))
            .run();
          if (input.tag !== 'latest') setTag(tx, name, input.tag, version);
          syncBundle(tx, name, at);
          writeAudit(tx, audit, 'version.publish', name, {
            version,
            integrity: input.integrity,
            tag: input.tag,
            ...(created ? { created: true } : {}),
            ...(closeTo ? { closeTo } : {}),
          });
          return { ok: true, created, closeTo };
        },
        { behavior: 'immediate' },
      );
    },

    async releasePublish({ name, version, nonce }) {
      db.delete(pendingPublishes)
        .where(
          and(
            eq(pendingPublishes.name, name),
            eq(pendingPublishes.version, version),
            eq(pendingPublishes.nonce, nonce),
          ),
        )
        .run();
    },
  };
}

/** Every rule a publish must pass, read inside the caller's transaction. */
function checkPublish(q: Q, claim: PublishClaim): PublishRefusal | undefined {
  const { name, version, actor } = claim;
  const ever = q
    .select({ version: publishedVersions.version })
    .from(publishedVersions)
    .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)))
    .get();
  if (ever) return { refused: 'VERSION_EXISTS' };
  const scope = parseBundleName(name)?.scope;
  const inScope = scope !== undefined && scopeOwners(q, scope).includes(actor.username);
  if (bundleExists(q, name)) {
    const isOwner = q
      .select({ username: owners.username })
      .from(owners)
      .where(and(eq(owners.name, name), eq(owners.username, actor.username)))
      .get();
    if (!isOwner && !inScope && !actor.admin) return { refused: 'NOT_OWNER' };
    return undefined;
  }
  const existing = q
    .select({ name: bundles.name })
    .from(bundles)
    .where(eq(bundles.folded, foldName(name)))
    .get();
  if (existing) return { refused: 'NAME_CONFUSABLE', existing: existing.name };
  if (scope === undefined || inScope || actor.admin) return undefined;
  if (scopeOwners(q, scope).length > 0) return { refused: 'SCOPE_OWNED', scope };
  const claimed = q.selectDistinct({ scope: scopes.scope }).from(scopes).all();
  return scopeClaimRefusal(
    scope,
    claimed.map((r) => r.scope),
  );
}

function readClaim(q: Q, claim: { name: string; version: string }) {
  return q
    .select()
    .from(pendingPublishes)
    .where(and(eq(pendingPublishes.name, claim.name), eq(pendingPublishes.version, claim.version)))
    .get();
}

function bundleExists(q: Q, name: string): boolean {
  return q.select({ id: bundles.id }).from(bundles).where(eq(bundles.name, name)).get() !== undefined;
}

export function scopeOwners(q: Q, scope: string): string[] {
  return q
    .select({ username: scopes.username })
    .from(scopes)
    .where(eq(scopes.scope, scope))
    .all()
    .map((r) => r.username);
}

function findCloseName(q: Q, name: string, popularDownloads: number): string | null {
  const folded = foldName(name);
  const popular = q
    .select({ name: bundles.name, folded: bundles.folded })
    .from(bundles)
    .where(gte(bundles.downloads, popularDownloads))
    .orderBy(desc(bundles.downloads))
    .limit(CLOSE_NAME_CANDIDATES)
    .all();
  return popular.find((p) => withinOneEdit(folded, p.folded))?.name ?? null;
}

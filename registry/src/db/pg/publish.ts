import { foldName, parseBundleName } from '@skills/schemas';
import { and, desc, eq, gte } from 'drizzle-orm';
import { withinOneEdit } from '../../domain/levenshtein.ts';
import { scopeClaimRefusal } from '../../domain/look-alike.ts';
import type { PublishClaim, PublishOutcome, PublishRefusal, Store } from '../store.ts';
import { writeAudit } from './audit.ts';
import { type Db, type Q, withWriteLock } from './connection.ts';
import { bundles, owners, pendingPublishes, publishedVersions, scopes, versions } from './schema.ts';
import { setTag, syncBundle } from './sync-bundle.ts';

type PublishMethods = Pick<Store, 'reservePublish' | 'commitPublish' | 'releasePublish'>;

/** How many popular bundles a new name is compared with for the close-name flag. */
const CLOSE_NAME_CANDIDATES = 1000;

/** The publish transaction for PostgreSQL; the twin of `../sqlite/publish.ts`. */
export function pgPublish(db: Db): PublishMethods {
  return {
    async reservePublish(claim) {
      return withWriteLock(db, async (tx): Promise<PublishOutcome> => {
        const refusal = await checkPublish(tx, claim);
        if (refusal) return refusal;
        const pending = await readClaim(tx, claim);
        if (pending && pending.nonce !== claim.nonce && pending.startedAt >= claim.staleBefore) {
          return { refused: 'PUBLISH_IN_PROGRESS' };
        }
        await tx
          .insert(pendingPublishes)
          .values({ name: claim.name, version: claim.version, nonce: claim.nonce, startedAt: claim.at })
          .onConflictDoUpdate({
            target: [pendingPublishes.name, pendingPublishes.version],
            set: { nonce: claim.nonce, startedAt: claim.at },
          });
        return { ok: true, created: !(await bundleExists(tx, claim.name)), closeTo: null };
      });
    },

    async commitPublish(input, audit) {
      return withWriteLock(db, async (tx): Promise<PublishOutcome> => {
        if ((await readClaim(tx, input))?.nonce !== input.nonce) return { refused: 'CLAIM_LOST' };
        const refusal = await checkPublish(tx, input);
        if (refusal) return refusal;
        const { name, version, actor, at } = input;
        const created = !(await bundleExists(tx, name));
        let closeTo: string | null = null;
        if (created) {
          const scope = parseBundleName(name)?.scope ?? null;
          closeTo = await findCloseName(tx, name, input.popularDownloads);
          await tx
            .insert(bundles)
            .values({ name, folded: foldName(name), scope, closeTo, createdAt: at, updatedAt: at });
          await tx.insert(owners).values({ name, username: actor.username, addedAt: at });
          if (scope && (await scopeOwners(tx, scope)).length === 0) {
            await tx.insert(scopes).values({ scope, username: actor.username, addedAt: at });
          }
        }
        await tx.insert(versions).values({
          name,
          version,
          integrity: input.integrity,
          sha256: input.sha256,
          size: input.size,
          document: JSON.stringify(input.document),
          publishedBy: actor.username,
          publishedAt: at,
        });
        await tx
          .insert(publishedVersions)
          .values({ name, version, integrity: input.integrity, publishedAt: at });
        await tx
          .delete(pendingPublishes)
          .where(and(eq(pendingPublishes.name, name), eq(pendingPublishes.version, version)));
        if (input.tag !== 'latest') await setTag(tx, name, input.tag, version);
        await syncBundle(tx, name, at);
        await writeAudit(tx, audit, 'version.publish', name, {
          version,
          integrity: input.integrity,
          tag: input.tag,
          ...(created ? { created: true } : {}),
          ...(closeTo ? { closeTo } : {}),
        });
        return { ok: true, created, closeTo };
      });
    },

    async releasePublish({ name, version, nonce }) {
      await db
        .delete(pendingPublishes)
        .where(
          and(
            eq(pendingPublishes.name, name),
            eq(pendingPublishes.version, version),
            eq(pendingPublishes.nonce, nonce),
          ),
        );
    },
  };
}

async function checkPublish(q: Q, claim: PublishClaim): Promise<PublishRefusal | undefined> {
  const { name, version, actor } = claim;
  const ever = await q
    .select({ version: publishedVersions.version })
    .from(publishedVersions)
    .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)));
  if (ever.length > 0) return { refused: 'VERSION_EXISTS' };
  const scope = parseBundleName(name)?.scope;
  const inScope = scope !== undefined && (await scopeOwners(q, scope)).includes(actor.username);
  if (await bundleExists(q, name)) {
    const isOwner = await q
      .select({ username: owners.username })
      .from(owners)
      .where(and(eq(owners.name, name), eq(owners.username, actor.username)));
    if (isOwner.length === 0 && !inScope && !actor.admin) return { refused: 'NOT_OWNER' };
    return undefined;
  }
  const [existing] = await q
    .select({ name: bundles.name })
    .from(bundles)
    .where(eq(bundles.folded, foldName(name)));
  if (existing) return { refused: 'NAME_CONFUSABLE', existing: existing.name };
  if (scope === undefined || inScope || actor.admin) return undefined;
  if ((await scopeOwners(q, scope)).length > 0) return { refused: 'SCOPE_OWNED', scope };
  const claimed = await q.selectDistinct({ scope: scopes.scope }).from(scopes);
  return scopeClaimRefusal(
    scope,
    claimed.map((r) => r.scope),
  );
}

async function readClaim(q: Q, claim: { name: string; version: string }) {
  const [row] = await q
    .select()
    .from(pendingPublishes)
    .where(and(eq(pendingPublishes.name, claim.name), eq(pendingPublishes.version, claim.version)));
  return row;
}

async function bundleExists(q: Q, name: string): Promise<boolean> {
  return (await q.select({ id: bundles.id }).from(bundles).where(eq(bundles.name, name))).length > 0;
}

export async function scopeOwners(q: Q, scope: string): Promise<string[]> {
  const rows = await q.select({ username: scopes.username }).from(scopes).where(eq(scopes.scope, scope));
  return rows.map((r) => r.username);
}

async function findCloseName(q: Q, name: string, popularDownloads: number): Promise<string | null> {
  const folded = foldName(name);
  const popular = await q
    .select({ name: bundles.name, folded: bundles.folded })
    .from(bundles)
    .where(gte(bundles.downloads, popularDownloads))
    .orderBy(desc(bundles.downloads))
    .limit(CLOSE_NAME_CANDIDATES);
  return popular.find((p) => withinOneEdit(folded, p.folded))?.name ?? null;
}

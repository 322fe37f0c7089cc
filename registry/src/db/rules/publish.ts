import { foldName, parseBundleName } from '@skills/schemas';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Dialect, Q } from '../dialect.ts';
import type { PublishCommit, PublishOutcome, Store } from '../store.ts';
import { auditRecorder } from './audit.ts';
import { prepared } from './prepared.ts';
import { checkPublish, findCloseName, scopeOwners } from './publish-checks.ts';
import { type BundleState, bundleSync } from './sync-bundle.ts';

type PublishMethods = Pick<Store, 'reservePublish' | 'commitPublish' | 'releasePublish'>;

/**
 * Claim, commit and release of a publish, each one write (see `Store`). Each reads as little as
 * it can: on PostgreSQL every statement is a network round trip, and the claim and the commit
 * are most of a publish's time (`test/publish-round-trips.test.ts` counts them).
 */
export function publishing(d: Dialect): PublishMethods {
  const t = d.tables;
  const { pendingPublishes } = t;
  const { syncBundle, setTag } = bundleSync(d);
  const recordAudit = auditRecorder(t);
  const claimOf = (claim: { name: string; version: string }) =>
    and(eq(pendingPublishes.name, claim.name), eq(pendingPublishes.version, claim.version));
  const p = sql.placeholder;
  // The statements every publish runs, prepared (see `prepared`).
  const insertVersionRow = prepared((q) =>
    q
      .insert(t.versions)
      .values({
        name: p('name'),
        version: p('version'),
        integrity: p('integrity'),
        sha256: p('sha256'),
        size: p('size'),
        document: p('document'),
        publishedBy: p('publishedBy'),
        publishedAt: p('publishedAt'),
      })
      .prepare('publish_insert_version'),
  );
  const insertPublished = prepared((q) =>
    q
      .insert(t.publishedVersions)
      .values({
        name: p('name'),
        version: p('version'),
        integrity: p('integrity'),
        publishedAt: p('publishedAt'),
      })
      .prepare('publish_insert_published'),
  );
  const takeClaim = prepared((q) =>
    q
      .insert(pendingPublishes)
      .values({ name: p('name'), version: p('version'), nonce: p('nonce'), startedAt: p('at') })
      .onConflictDoUpdate({
        target: [pendingPublishes.name, pendingPublishes.version],
        set: { nonce: sql`${p('nonce')}`, startedAt: sql`${p('at')}` },
        setWhere: or(
          eq(pendingPublishes.nonce, p('nonce')),
          lt(pendingPublishes.startedAt, p('staleBefore')),
        ),
      })
      .returning({ nonce: pendingPublishes.nonce })
      .prepare('publish_take_claim'),
  );
  const dropClaim = prepared((q) =>
    q
      .delete(pendingPublishes)
      .where(
        and(
          eq(pendingPublishes.name, p('name')),
          eq(pendingPublishes.version, p('version')),
          eq(pendingPublishes.nonce, p('nonce')),
        ),
      )
      .returning({ nonce: pendingPublishes.nonce })
      .prepare('publish_drop_claim'),
  );

  /**
   * Inserts the new version's rows, and the bundle's when `bundle` is undefined (a new one);
   * answers the bundle as it is now (its `latest` still to be set by `syncBundle`).
   */
  async function insertVersion(
    q: Q,
    input: PublishCommit,
    bundle: BundleState | undefined,
  ): Promise<{ bundle: BundleState; closeTo: string | null }> {
    const { name, version, actor, at } = input;
    let state = bundle;
    let closeTo: string | null = null;
    if (state === undefined) {
      const scope = parseBundleName(name)?.scope ?? null;
      closeTo = await findCloseName(q, t, input);
      const [row] = await q
        .insert(t.bundles)
        .values({ name, folded: foldName(name), scope, closeTo, createdAt: at, updatedAt: at })
        .returning({ id: t.bundles.id, pinned: t.bundles.latestPinned });
      state = { ...row!, latest: null };
      await q.insert(t.owners).values({ name, username: actor.username, addedAt: at });
      if (scope && (await scopeOwners(q, t, scope)).length === 0) {
        await q.insert(t.scopes).values({ scope, username: actor.username, addedAt: at });
      }
    }
    await insertVersionRow(q, {
      name,
      version,
      integrity: input.integrity,
      sha256: input.sha256,
      size: input.size,
      document: JSON.stringify(input.document),
      publishedBy: actor.username,
      publishedAt: at,
    });
    await insertPublished(q, { name, version, integrity: input.integrity, publishedAt: at });
    return { bundle: state, closeTo };
  }

  return {
    // Two statements, each on its own, without the write lock: the commit re-checks everything
    // under the lock and re-reads the claim, so this check only spares a blob write that would be
    // refused anyway, and the claim row needs no transaction (its upsert is atomic). On PostgreSQL
    // the claims table is UNLOGGED (pg migration 0006), so the upsert commits without a WAL flush;
    // a claim lost in a crash turns its commit into CLAIM_LOST.
    reservePublish(claim) {
      return d.run(async (q): Promise<PublishOutcome> => {
        const check = await checkPublish(q, t, claim);
        if ('refused' in check) return check;
        // Taken, or renewed by this attempt, unless another attempt holds a fresh claim: then
        // the conflicting row stays and nothing is returned.
        const taken = await takeClaim(q, {
          name: claim.name,
          version: claim.version,
          nonce: claim.nonce,
          at: claim.at,
          staleBefore: claim.staleBefore,
        });
        if (taken.length === 0) return { refused: 'PUBLISH_IN_PROGRESS' };
        return { ok: true, created: check.bundle === undefined, closeTo: null };
      });
    },

    async commitPublish(input, audit) {
      // The blob must be durable before the version commits; where the body may wait for it, the
      // statements run meanwhile.
      const { blobPlaced } = input;
      if (blobPlaced && !d.awaitsInWrite) await blobPlaced;
      return d.write(async (q): Promise<PublishOutcome> => {
        // The claim is dropped here; a refusal below leaves it dropped, as releasePublish would.
        const dropped = await dropClaim(q, { name: input.name, version: input.version, nonce: input.nonce });
        if (dropped.length === 0) return { refused: 'CLAIM_LOST' };
        const check = await checkPublish(q, t, input);
        if ('refused' in check) return check;
        const { name, version, tag, document } = input;
        const created = check.bundle === undefined;
        const { bundle, closeTo } = await insertVersion(q, input, check.bundle);
        // Another tag than `latest` leaves the state syncBundle starts from as it is.
        if (tag !== 'latest') await setTag(q, { name, tag, version });
        await syncBundle(q, name, input.at, { bundle, fresh: { version, document } });
        await recordAudit(q, audit, 'version.publish', name, {
          version,
          integrity: input.integrity,
          tag,
          ...(created ? { created: true } : {}),
          ...(closeTo ? { closeTo } : {}),
        });
        // The one wait on something other than a query in a body (`awaitsInWrite`): it touches
        // no database, so it cannot deadlock; it keeps the transaction open while the blob's
        // rename and folder fsync finish, if they have not yet.
        if (blobPlaced && d.awaitsInWrite) await blobPlaced;
        return { ok: true, created, closeTo };
      });
    },

    releasePublish({ name, version, nonce }) {
      return d.run(async (q) => {
        await q
          .delete(pendingPublishes)
          .where(and(claimOf({ name, version }), eq(pendingPublishes.nonce, nonce)));
      });
    },
  };
}

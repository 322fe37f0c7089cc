import { foldName, parseBundleName } from '@skills/schemas';
import { and, eq } from 'drizzle-orm';
import type { Dialect, Q } from '../dialect.ts';
import type { PublishCommit, PublishOutcome, Store } from '../store.ts';
import { auditRecorder } from './audit.ts';
import { bundleExists, checkPublish, findCloseName, scopeOwners } from './publish-checks.ts';
import { bundleSync } from './sync-bundle.ts';

type PublishMethods = Pick<Store, 'reservePublish' | 'commitPublish' | 'releasePublish'>;

/** Claim, commit and release of a publish, each one write (see `Store`). */
export function publishing(d: Dialect): PublishMethods {
  const t = d.tables;
  const { pendingPublishes } = t;
  const { syncBundle, setTag } = bundleSync(d);
  const recordAudit = auditRecorder(t);
  const readClaim = async (q: Q, claim: { name: string; version: string }) =>
    (
      await q
        .select()
        .from(pendingPublishes)
        .where(and(eq(pendingPublishes.name, claim.name), eq(pendingPublishes.version, claim.version)))
    )[0];

  /** Inserts the new version's rows (and the bundle's, if it is new); the claim is dropped. */
  async function insertVersion(
    q: Q,
    input: PublishCommit,
  ): Promise<{ created: boolean; closeTo: string | null }> {
    const { name, version, actor, at } = input;
    const created = !(await bundleExists(q, t, name));
    let closeTo: string | null = null;
    if (created) {
      const scope = parseBundleName(name)?.scope ?? null;
      closeTo = await findCloseName(q, t, input);
      await q
        .insert(t.bundles)
        .values({ name, folded: foldName(name), scope, closeTo, createdAt: at, updatedAt: at });
      await q.insert(t.owners).values({ name, username: actor.username, addedAt: at });
      if (scope && (await scopeOwners(q, t, scope)).length === 0) {
        await q.insert(t.scopes).values({ scope, username: actor.username, addedAt: at });
      }
    }
    await q.insert(t.versions).values({
      name,
      version,
      integrity: input.integrity,
      sha256: input.sha256,
      size: input.size,
      document: JSON.stringify(input.document),
      publishedBy: actor.username,
      publishedAt: at,
    });
    await q
      .insert(t.publishedVersions)
      .values({ name, version, integrity: input.integrity, publishedAt: at });
    await q
      .delete(pendingPublishes)
      .where(and(eq(pendingPublishes.name, name), eq(pendingPublishes.version, version)));
    return { created, closeTo };
  }

  return {
    reservePublish(claim) {
      return d.write(async (q): Promise<PublishOutcome> => {
        const refusal = await checkPublish(q, t, claim);
        if (refusal) return refusal;
        const pending = await readClaim(q, claim);
        if (pending && pending.nonce !== claim.nonce && pending.startedAt >= claim.staleBefore) {
          return { refused: 'PUBLISH_IN_PROGRESS' };
        }
        await q
          .insert(pendingPublishes)
          .values({ name: claim.name, version: claim.version, nonce: claim.nonce, startedAt: claim.at })
          .onConflictDoUpdate({
            target: [pendingPublishes.name, pendingPublishes.version],
            set: { nonce: claim.nonce, startedAt: claim.at },
          });
        return { ok: true, created: !(await bundleExists(q, t, claim.name)), closeTo: null };
      });
    },

    commitPublish(input, audit) {
      return d.write(async (q): Promise<PublishOutcome> => {
        if ((await readClaim(q, input))?.nonce !== input.nonce) return { refused: 'CLAIM_LOST' };
        const refusal = await checkPublish(q, t, input);
        if (refusal) return refusal;
        const { name, version, tag } = input;
        const { created, closeTo } = await insertVersion(q, input);
        if (tag !== 'latest') await setTag(q, { name, tag, version });
        await syncBundle(q, name, input.at);
        await recordAudit(q, audit, 'version.publish', name, {
          version,
          integrity: input.integrity,
          tag,
          ...(created ? { created: true } : {}),
          ...(closeTo ? { closeTo } : {}),
        });
        return { ok: true, created, closeTo };
      });
    },

    releasePublish({ name, version, nonce }) {
      return d.run(async (q) => {
        await q
          .delete(pendingPublishes)
          .where(
            and(
              eq(pendingPublishes.name, name),
              eq(pendingPublishes.version, version),
              eq(pendingPublishes.nonce, nonce),
            ),
          );
      });
    },
  };
}

import { randomUUID } from 'node:crypto';
import { distTagSchema, type PublishResult } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { buildVersion } from '../domain/build-version.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { signedMessage } from '../signing/signer.ts';
import { stageBlob } from '../storage/blob-store.ts';
import { processBody } from '../uploads/process-body.ts';
import { checkPublishRights } from './check-publish-rights.ts';
import { publishRefusalError } from './publish-refusal.ts';

/** A claim on name@version older than this is taken over (its publisher crashed). */
const CLAIM_STALE_MS = 5 * 60 * 1000;

export interface PublishInput {
  /** The NAME of the request path; must equal the archive's manifest name. */
  name: string;
  /**
   * The version the client declares before the body (`Skills-Bundle-Version`); when given, a
   * taken version is refused before the body is read, and it must equal the manifest's.
   */
  version?: string;
  /** Reads the uploaded `.tgz` (capped in size); called only once every early check passed. */
  body: () => Promise<Uint8Array>;
  /** Dist-tag for the new version (default `latest`, which follows the rule of docs/http-api.md). */
  tag?: string;
  actor: Actor;
  request: RequestInfo;
}

/**
 * Publishes a bundle version from its uploaded tarball (docs/security.md rows 1–10, 13, 14, 16, 18):
 * 1. decide who may write NAME (and whether the declared version is taken) before reading the body;
 * 2. read the body, then read the archive with every cap, inspect it and re-pack it canonically
 *    on the upload pool (worker threads under `serve`); everything is derived from its files;
 * 3. claim name@version in the store (running every ownership and name check again), so failures
 *    that need no blob leave none, and no other request can commit these bytes; meanwhile the
 *    blob is staged (`BlobStore.stage`: on disk, fsynced, but under no digest yet);
 * 4. place the blob (content-addressed, atomic, durable) while ONE transaction inserts
 *    everything, and commit it only once the blob is placed;
 * 5. on any failure, discard what was staged; after the claim also drop the claim, and the blob
 *    unless the version turns out committed with these bytes after all (see `surelyUnreferenced`).
 * @throws RegistryError FORBIDDEN, NAME_CONFUSABLE, VERSION_EXISTS (before the body);
 *   INVALID_BUNDLE (422, with every problem), TOO_LARGE, NAME_MISMATCH, VERSION_MISMATCH,
 *   BAD_REQUEST (bad tag), UNAVAILABLE (the pool's queue is full).
 */
export async function publishBundle({
  deps,
  input,
}: {
  deps: Deps;
  input: PublishInput;
}): Promise<PublishResult> {
  const tag = input.tag ?? 'latest';
  const tagCheck = distTagSchema.safeParse(tag);
  if (!tagCheck.success) throw new RegistryError('BAD_REQUEST', `tag: ${tagCheck.error.issues[0]?.message}`);
  await checkPublishRights({
    deps,
    input: { name: input.name, actor: input.actor, ...(input.version ? { version: input.version } : {}) },
  });

  const upload = await processBody(deps, await input.body());
  const { manifest, inspection, integrity, sha256, fileCount } = upload;
  const tarball = upload.tarball;
  if (manifest.name !== input.name) {
    throw new RegistryError(
      'NAME_MISMATCH',
      `the archive is "${manifest.name}" (skill.json: name) but the request path says "${input.name}"`,
    );
  }
  if (input.version !== undefined && manifest.version !== input.version) {
    throw new RegistryError(
      'VERSION_MISMATCH',
      `the archive is version ${manifest.version} (skill.json: version) but the request declared ${input.version} (Skills-Bundle-Version)`,
    );
  }
  // Written (and fsynced) where no reader sees it while the version is signed and claimed; only
  // the claim's holder places it.
  const staging = stageBlob(deps.blobs, sha256, tarball);
  staging.catch(() => {});
  let placing: Promise<void> | undefined;
  let keepBlob = false;
  let claimed: { nonce: string } | undefined;
  try {
    const at = deps.now();
    const { name, version } = manifest;
    const document = buildVersion({
      manifest,
      inspection,
      integrity,
      size: tarball.length,
      fileCount,
      publishedAt: at,
      publishedBy: input.actor.username,
      signature: { keyid: deps.signer.keyid, sig: deps.signer.sign(signedMessage(name, version, integrity)) },
    });
    const claim = {
      name,
      version,
      actor: { username: input.actor.username, admin: input.actor.admin },
      nonce: randomUUID(),
      at,
      staleBefore: new Date(Date.parse(at) - CLAIM_STALE_MS).toISOString(),
    };
    const reserved = await deps.store.reservePublish(claim);
    if (!('ok' in reserved)) throw publishRefusalError(reserved, name, version);
    claimed = claim;

    // Placed (renamed, folder fsynced) while the commit runs its statements; it commits only
    // once the blob is durable.
    placing = staging.then((staged) => staged.place());
    placing.catch(() => {});
    const outcome = await deps.store.commitPublish(
      {
        ...claim,
        integrity,
        sha256,
        size: tarball.length,
        document,
        tag,
        popularDownloads: deps.popularDownloads,
        blobPlaced: placing,
      },
      auditContext(input.actor.username, input.request, at),
    );
    if (!('ok' in outcome)) {
      // After a lost claim another request owns name@version and may be storing these same bytes.
      keepBlob = outcome.refused === 'CLAIM_LOST';
      throw publishRefusalError(outcome, name, version);
    }
    keepBlob = true;
    if (outcome.closeTo) {
      deps.log({
        level: 'warn',
        msg: 'new bundle name close to a popular one',
        name,
        closeTo: outcome.closeTo,
      });
    }
    return { name, version, integrity, warnings: inspection.warnings };
  } finally {
    if (!keepBlob) {
      // A refusal in the commit answers before the blob is placed: settle it first, so nothing
      // lands after the cleanup.
      await placing?.catch(() => {});
      await staging.then((staged) => staged.discard()).catch(() => {});
      if (claimed) {
        const { name, version } = manifest;
        if (placing && (await surelyUnreferenced(deps, name, version, sha256)))
          await deps.blobs.delete(sha256).catch(() => {});
        await deps.store.releasePublish({ name, version, nonce: claimed.nonce }).catch(() => {});
      }
    }
  }
}

/**
 * Whether the blob of these bytes is known to be referenced by nothing: name@version is not in
 * the store, or is there with other bytes (another request committed it between this one's
 * claim and its commit; bytes name their version, so no other version can share the blob). A
 * commit whose answer was lost (the database connection dropped during COMMIT) may have
 * succeeded: its blob must then stay, so the cleanup deletes it only when a fresh read says so;
 * a failed read keeps it (an orphan blob is harmless).
 */
async function surelyUnreferenced(
  deps: Deps,
  name: string,
  version: string,
  sha256: string,
): Promise<boolean> {
  return deps.store.getVersion(name, version).then(
    (v) => v === undefined || v.sha256 !== sha256,
    () => false,
  );
}

import { randomUUID } from 'node:crypto';
import { integrityOf, packFiles } from '@skills/archive';
import { distTagSchema, type PublishResult } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { buildVersion } from '../domain/build-version.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { signedMessage } from '../signing/signer.ts';
import { blobDigest } from '../storage/blob-store.ts';
import { publishRefusalError } from './publish-refusal.ts';
import { readUpload } from './read-upload.ts';

/** A claim on name@version older than this is taken over (its publisher crashed). */
const CLAIM_STALE_MS = 5 * 60 * 1000;

export interface PublishInput {
  /** The NAME of the request path; must equal the archive's manifest name. */
  name: string;
  /** The uploaded `.tgz`, already capped in size. */
  body: Buffer;
  /** Dist-tag for the new version (default `latest`, which follows the rule of docs/http-api.md). */
  tag?: string;
  actor: Actor;
  request: RequestInfo;
}

/**
 * Publishes a bundle version from its uploaded tarball (SECURITY.md rows 1–10, 13, 14, 16):
 * 1. read the archive with every cap and inspect it; everything is derived from its files;
 * 2. re-pack the files canonically; integrity and signature cover the stored bytes;
 * 3. claim name@version in the store (running every ownership and name check), so failures
 *    that need no blob leave none, and no other request can commit these bytes;
 * 4. write the blob (content-addressed, atomic), then commit in ONE transaction;
 * 5. on any failure after the blob is written, delete it and drop the claim.
 * @throws RegistryError INVALID_BUNDLE (422, with every problem), TOO_LARGE, NAME_MISMATCH,
 *   VERSION_EXISTS, NAME_CONFUSABLE, FORBIDDEN, BAD_REQUEST (bad tag).
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

  const { files, inspection, manifest } = await readUpload({ deps, input: { body: input.body } });
  if (manifest.name !== input.name) {
    throw new RegistryError(
      'NAME_MISMATCH',
      `the archive is "${manifest.name}" (skill.json: name) but the request path says "${input.name}"`,
    );
  }
  let tarball: Buffer;
  try {
    tarball = packFiles(files);
  } catch (e) {
    throw new RegistryError('INVALID_BUNDLE', `the bundle cannot be packed: ${(e as Error).message}`);
  }
  const integrity = integrityOf(tarball);
  const sha256 = blobDigest(tarball);
  const at = deps.now();
  const { name, version } = manifest;
  const document = buildVersion({
    manifest,
    inspection,
    integrity,
    size: tarball.length,
    fileCount: files.length,
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

  let keepBlob = false;
  try {
    await deps.blobs.put(sha256, tarball);
    const outcome = await deps.store.commitPublish(
      {
        ...claim,
        integrity,
        sha256,
        size: tarball.length,
        document,
        tag,
        popularDownloads: deps.popularDownloads,
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
      await deps.blobs.delete(sha256).catch(() => {});
      await deps.store.releasePublish({ name, version, nonce: claim.nonce }).catch(() => {});
    }
  }
}

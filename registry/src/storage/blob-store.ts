import { createHash } from 'node:crypto';

/**
 * The tarball store port: content-addressed by the hex sha256 of the bytes. `put` is idempotent
 * and atomic (a reader sees all the bytes or none); adapters are factories returning this, and
 * `test/blob-store-contract.ts` is the behaviour each must show.
 */
export interface BlobStore {
  readonly kind: string;
  /** Stores `bytes` under `digest`; throws BlobDigestError when the digest does not match them. */
  put(digest: string, bytes: Uint8Array): Promise<void>;
  /**
   * The part of `put` no reader can see, done ahead (fs: the temp file written and fsynced), so
   * it can run alongside other work; `place()` then finishes the put. Optional: `stageBlob`
   * stands in for stores without it. Throws BlobDigestError as `put` does.
   */
  stage?(digest: string, bytes: Uint8Array): Promise<StagedBlob>;
  get(digest: string): Promise<Buffer | undefined>;
  /** The bytes as a stream, or undefined when absent. */
  stream(digest: string): Promise<ReadableStream<Uint8Array> | undefined>;
  has(digest: string): Promise<boolean>;
  /** Removes the blob; no error when it is absent. */
  delete(digest: string): Promise<void>;
  /** Every stored digest (for tests and maintenance). */
  list(): Promise<string[]>;
  /**
   * A URL a client can GET the blob from directly, for stores configured to hand reads off (S3
   * presigned URLs); absent on stores that serve every read through the registry.
   */
  presignedUrl?(digest: string): Promise<string>;
  /** Proves the backing service is reachable and the store usable; the server calls it at start. */
  ready?(): Promise<void>;
}

/** A blob `stage` prepared: nothing is visible under its digest until `place`. */
export interface StagedBlob {
  /** Stores the blob as `put` would (idempotent, atomic, durable when it answers). */
  place(): Promise<void>;
  /** Drops what was staged; nothing under the digest changes. Safe after `place`. */
  discard(): Promise<void>;
}

/**
 * `store.stage(digest, bytes)`, or for a store without it a stand-in whose `place` is `put`.
 * @throws BlobDigestError when the digest is malformed or not the bytes'.
 */
export async function stageBlob(store: BlobStore, digest: string, bytes: Uint8Array): Promise<StagedBlob> {
  if (store.stage) return store.stage(digest, bytes);
  assertDigest(digest);
  return { place: () => store.put(digest, bytes), discard: async () => {} };
}

export const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

/** The digest a blob is stored under. */
export function blobDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Thrown by `put` for a malformed digest or one that is not the sha256 of the bytes. */
export class BlobDigestError extends Error {
  constructor(digest: string) {
    super(`not the sha256 of the bytes given: ${digest.slice(0, 80)}`);
    this.name = 'BlobDigestError';
  }
}

/** Throws BlobDigestError unless `digest` is well formed (and, with `bytes`, theirs). */
export function assertDigest(digest: string, bytes?: Uint8Array): void {
  if (!DIGEST_PATTERN.test(digest)) throw new BlobDigestError(digest);
  if (bytes && blobDigest(bytes) !== digest) throw new BlobDigestError(digest);
}

/**
 * Thrown by an adapter whose backing service cannot be reached or answers with a server error:
 * the request may succeed when retried, and the registry answers 503 UNAVAILABLE.
 */
export class BlobStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BlobStoreUnavailableError';
  }
}

import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertDigest, type BlobStore, BlobStoreUnavailableError, DIGEST_PATTERN } from './blob-store.ts';
import type { S3BlobStoreConfig } from './s3-url.ts';

/** Blobs never change once written: caches anywhere (a CDN, the client) may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A BlobStore in an S3 bucket (AWS, Ceph RGW, MinIO…): one object `PREFIX + digest` per blob.
 *
 * Writes are conditional (`If-None-Match: *`), so of two processes writing one blob the first
 * wins and the second gets 412, which means "already there": content addressing makes both
 * writes the same bytes. `Content-MD5` makes the server refuse bytes damaged on the way. An
 * object found under a digest with another size (written by something else) is replaced.
 * Single PUTs only: tarballs are capped far below S3's 5 GB single-PUT limit, and a multipart
 * completion is not conditional on every server. Network failures and 5xx answers (after the
 * SDK's own retries) become BlobStoreUnavailableError.
 */
export function createS3BlobStore(
  config: S3BlobStoreConfig,
  options: { client?: S3Client; listPageSize?: number } = {},
): BlobStore {
  const { bucket, prefix } = config;
  const client = options.client ?? createS3Client(config);
  const key = (digest: string) => `${prefix}${digest}`;
  const store: BlobStore = {
    kind: 's3',
    async ready() {
      const where = `${config.endpoint ?? 'AWS'} (${config.region})`;
      await client.send(new HeadBucketCommand({ Bucket: bucket })).catch((e: unknown) => {
        const status = statusOf(e);
        const why =
          status === 404
            ? 'no such bucket: create it first'
            : status === 403
              ? 'access denied: check the keys'
              : e instanceof Error
                ? `${e.name}: ${e.message}`
                : String(e);
        throw new Error(`cannot use S3 bucket ${bucket} at ${where}: ${why}`, { cause: e });
      });
    },
    async put(digest, bytes) {
      assertDigest(digest, bytes);
      const put = (conditional: boolean) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key(digest),
            Body: bytes,
            ContentLength: bytes.length,
            ContentMD5: createHash('md5').update(bytes).digest('base64'),
            ContentType: 'application/octet-stream',
            CacheControl: IMMUTABLE,
            ...(conditional ? { IfNoneMatch: '*' } : {}),
          }),
        );
      try {
        await retryConflicts(() => put(true));
      } catch (error) {
        if (statusOf(error) !== 412) throw unavailable(error, `writing blob ${digest}`);
        const size = await headSize(digest);
        if (size === bytes.length) return;
        await put(false).catch((e: unknown) => {
          throw unavailable(e, `replacing blob ${digest}`);
        });
      }
    },
    async get(digest) {
      assertDigest(digest);
      const body = await getBody(digest);
      return body && Buffer.from(await body.transformToByteArray());
    },
    async stream(digest) {
      assertDigest(digest);
      const body = await getBody(digest);
      return body?.transformToWebStream() as ReadableStream<Uint8Array> | undefined;
    },
    async has(digest) {
      assertDigest(digest);
      return (await headSize(digest)) !== undefined;
    },
    async delete(digest) {
      assertDigest(digest);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key(digest) })).catch((e: unknown) => {
        if (statusOf(e) !== 404) throw unavailable(e, `deleting blob ${digest}`);
      });
    },
    async list() {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client
          .send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              ContinuationToken: token,
              MaxKeys: options.listPageSize,
            }),
          )
          .catch((e: unknown) => {
            throw unavailable(e, 'listing blobs');
          });
        for (const o of page.Contents ?? []) {
          const name = o.Key?.slice(prefix.length) ?? '';
          if (DIGEST_PATTERN.test(name)) out.push(name);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
  };
  if (config.presignSeconds !== undefined) {
    const expiresIn = config.presignSeconds;
    store.presignedUrl = async (digest) => {
      assertDigest(digest);
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key(digest) }), { expiresIn });
    };
  }
  return store;

  async function getBody(digest: string) {
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(digest) }));
      return answer.Body;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw unavailable(error, `reading blob ${digest}`);
    }
  }

  async function headSize(digest: string): Promise<number | undefined> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key(digest) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw unavailable(error, `looking up blob ${digest}`);
    }
  }
}

/**
 * The S3 client for a config. Checksums only where S3 requires them: newer SDKs otherwise send
 * a CRC32 trailer in aws-chunked bodies, which S3-compatible servers such as Ceph 16 refuse.
 */
export function createS3Client(config: S3BlobStoreConfig): S3Client {
  const options: S3ClientConfig = {
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  };
  if (config.endpoint) options.endpoint = config.endpoint;
  if (config.credentials) options.credentials = config.credentials;
  return new S3Client(options);
}

/** Two concurrent conditional writes of one key may get 409 on AWS: retry, a few times. */
async function retryConflicts<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (statusOf(error) !== 409 || attempt === 5) throw error;
      await new Promise((ok) => setTimeout(ok, 20 * attempt));
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** A 4xx is a bug or a misconfiguration (wrong bucket, bad keys); anything else may pass. */
function unavailable(error: unknown, doing: string): Error {
  const status = statusOf(error);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (status !== undefined && status < 500) {
    return new Error(`S3 refused ${doing} (HTTP ${status}, ${detail})`, { cause: error });
  }
  return new BlobStoreUnavailableError(`S3 is unavailable while ${doing} (${detail})`, { cause: error });
}

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/storage/s3-blob-store.ts';
import type { S3BlobStoreConfig } from '../../src/storage/s3-url.ts';

/** Where the S3 tests find their server (see `s3TestServer`). */
export interface S3TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The Ceph state dir when the server is the project's own (`scripts/s3/start-ceph.sh`). */
  cephDir?: string;
}

/**
 * The S3 server named by `SKILLS_TEST_S3` (the env file `scripts/s3/start-ceph.sh` writes, or
 * an endpoint URL) or by `S3_ENDPOINT`; keys from the file or S3_ACCESS_KEY / S3_SECRET_KEY.
 * Undefined when none is named: the S3 tests are then skipped, visibly.
 */
export function s3TestServer(env: NodeJS.ProcessEnv = process.env): S3TestServer | undefined {
  const named = env.SKILLS_TEST_S3 || env.S3_ENDPOINT;
  if (!named) return undefined;
  const vars: Record<string, string | undefined> = { ...env };
  if (!/^https?:\/\//.test(named)) {
    if (!existsSync(named)) throw new Error(`SKILLS_TEST_S3 names neither a URL nor a file: ${named}`);
    for (const line of readFileSync(named, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m) vars[m[1]!] = m[2]!;
    }
  } else {
    vars.S3_ENDPOINT = named;
  }
  const server: S3TestServer = {
    endpoint: vars.S3_ENDPOINT!,
    accessKeyId: vars.S3_ACCESS_KEY ?? 'test-access',
    secretAccessKey: vars.S3_SECRET_KEY ?? 'test-secret',
    region: vars.S3_REGION ?? 'us-east-1',
  };
  if (vars.CEPH_S3_DIR) server.cephDir = vars.CEPH_S3_DIR;
  return server;
}

/** A bucket of its own for one test: created empty, emptied and deleted by `drop`. */
export interface TestBucket {
  config: S3BlobStoreConfig;
  /** The `s3://` URL a registry process is given (keys in the query). */
  url: string;
  client: S3Client;
  drop(): Promise<void>;
}

export async function createTestBucket(server: S3TestServer, options: { presign?: number } = {}) {
  const bucket = `skills-test-${randomBytes(6).toString('hex')}`;
  const config: S3BlobStoreConfig = {
    bucket,
    prefix: '',
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...(options.presign ? { presignSeconds: options.presign } : {}),
  };
  const client = createS3Client(config);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const query = new URLSearchParams({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: 'true',
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    ...(options.presign ? { presign: String(options.presign) } : {}),
  });
  const drop = async () => {
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    client.destroy();
  };
  return { config, url: `s3://${bucket}?${query}`, client, drop } satisfies TestBucket;
}

import { existsSync, readFileSync } from 'node:fs';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

/** The env file `scripts/s3/start-ceph.sh` writes (its `CEPH_S3_DIR`, default `/tmp/skills-ceph-s3`). */
const DEFAULT_S3_ENV = '/tmp/skills-ceph-s3/s3.env';

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The S3 server of `SKILLS_TEST_S3` (the env file `scripts/s3/start-ceph.sh` writes), else of
 * its default file, else undefined with the reason.
 */
export function s3Server(env: NodeJS.ProcessEnv = process.env): S3Server | string {
  const file = env.SKILLS_TEST_S3 || DEFAULT_S3_ENV;
  if (!existsSync(file)) return `no S3 server: ${file} is missing (run scripts/s3/start-ceph.sh)`;
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  if (!vars.S3_ENDPOINT) return `no S3_ENDPOINT in ${file}`;
  return {
    endpoint: vars.S3_ENDPOINT,
    region: vars.S3_REGION ?? 'us-east-1',
    accessKeyId: vars.S3_ACCESS_KEY ?? '',
    secretAccessKey: vars.S3_SECRET_KEY ?? '',
  };
}

/** A bucket created for one run: its `--blob-store` URL, the keys for the registry's env, and `drop`. */
export interface RunBucket {
  blobStore: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createRunBucket(server: S3Server, name: string): Promise<RunBucket> {
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: name }));
  const query = new URLSearchParams({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: 'true',
  });
  return {
    blobStore: `s3://${name}?${query}`,
    env: {
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    async drop() {
      for (;;) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: name }));
        const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length === 0) break;
        await client.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys } }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: name }));
      client.destroy();
    },
  };
}

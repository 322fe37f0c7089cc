import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, test } from 'vitest';
import { BlobStoreUnavailableError, blobDigest } from '../src/storage/blob-store.ts';
import { createS3BlobStore } from '../src/storage/s3-blob-store.ts';
import { parseS3Url, S3UrlError } from '../src/storage/s3-url.ts';
import { runBlobStoreContract } from './blob-store-contract.ts';
import { useCleanups } from './helpers/cleanups.ts';
import { createTestBucket, s3TestServer } from './helpers/s3-world.ts';

/**
 * The S3 adapter. URL parsing and failure mapping need no server; the contract and the
 * conditional-write tests run against a real S3 server when SKILLS_TEST_S3 (or S3_ENDPOINT)
 * names one (`npm run test:s3` starts Ceph RGW for them), each test in a fresh bucket.
 */
const server = s3TestServer();
const { defer } = useCleanups('registry-s3-');

describe('s3:// URLs', () => {
  test('bucket, prefix, endpoint, region, path style, keys and presign come from the URL', () => {
    const config = parseS3Url(
      's3://tarballs/reg/one?endpoint=http://127.0.0.1:7480/&region=eu-west-3&forcePathStyle=true&accessKeyId=AK&secretAccessKey=SK&presign=300',
      {},
    );
    expect(config).toEqual({
      bucket: 'tarballs',
      prefix: 'reg/one/',
      endpoint: 'http://127.0.0.1:7480',
      region: 'eu-west-3',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      presignSeconds: 300,
    });
  });

  test('the region and keys fall back to the usual AWS variables, then to us-east-1 and the SDK chain', () => {
    const env = {
      AWS_REGION: 'ap-south-1',
      AWS_ACCESS_KEY_ID: 'ID',
      AWS_SECRET_ACCESS_KEY: 'S',
      AWS_SESSION_TOKEN: 'T',
    };
    expect(parseS3Url('s3://b-1', env)).toEqual({
      bucket: 'b-1',
      prefix: '',
      region: 'ap-south-1',
      forcePathStyle: false,
      credentials: { accessKeyId: 'ID', secretAccessKey: 'S', sessionToken: 'T' },
    });
    expect(parseS3Url('s3://b-1', {})).toEqual({
      bucket: 'b-1',
      prefix: '',
      region: 'us-east-1',
      forcePathStyle: false,
    });
  });

  test.each([
    ['s3:/bucket', /must start with s3:\/\//],
    ['s3://bucket#x', /no #fragment/],
    ['s3://Bucket', /"Bucket" is not a bucket name/],
    ['s3://ab', /not a bucket name/],
    ['s3://a..b', /not a bucket name/],
    ['s3://bucket/../x', /prefix may hold only/],
    ['s3://bucket/a//b', /prefix may hold only/],
    ['s3://bucket?endpoint=localhost:7480', /endpoint must be an http/],
    ['s3://bucket?endpoint=ftp://h', /endpoint must be an http/],
    ['s3://bucket?endpoint=http://u:p@h', /must not carry credentials/],
    ['s3://bucket?forcePathStyle=yes', /forcePathStyle must be true or false/],
    ['s3://bucket?region=a&region=b', /"region" is given twice/],
    ['s3://bucket?acessKeyId=x', /unknown parameter "acessKeyId"/],
    ['s3://bucket?accessKeyId=x', /give both or neither/],
    ['s3://bucket?presign=0', /presign must be a number of seconds from 1 to 604800/],
    ['s3://bucket?presign=1e3', /presign must be/],
  ])('%s is refused: %s', (url, message) => {
    expect(() => parseS3Url(url, {})).toThrow(S3UrlError);
    expect(() => parseS3Url(url, {})).toThrow(message);
  });

  test('a refused URL never repeats the secret key', () => {
    const attempt = () => parseS3Url('s3://bucket?accessKeyId=AK&secretAccessKey=hunter2-secret&oops=1', {});
    expect(attempt).toThrow(/unknown parameter "oops"/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('S3 failures', () => {
  test('an S3 server that cannot be reached is BlobStoreUnavailableError (503), never "absent"', async () => {
    const store = createS3BlobStore(
      parseS3Url(
        's3://bucket?endpoint=http://127.0.0.1:1&forcePathStyle=true&accessKeyId=a&secretAccessKey=b',
        {},
      ),
    );
    const bytes = Buffer.from('x');
    const digest = blobDigest(bytes);
    await expect(store.get(digest)).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    await expect(store.has(digest)).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    await expect(store.put(digest, bytes)).rejects.toBeInstanceOf(BlobStoreUnavailableError);
  });
});

describe.skipIf(!server)('S3 against a real server (needs SKILLS_TEST_S3=ENV_FILE|URL)', () => {
  const bucket = async (options: { presign?: number } = {}) => {
    const b = await createTestBucket(server!, options);
    defer(b.drop);
    return b;
  };

  describe('contract', () => runBlobStoreContract(async () => createS3BlobStore((await bucket()).config)));

  test('a put never rewrites an object already there (If-None-Match: *)', async () => {
    const b = await bucket();
    const store = createS3BlobStore(b.config);
    const bytes = randomBytes(1000);
    const digest = blobDigest(bytes);
    const squatter = Buffer.alloc(1000, 7);
    await b.client.send(new PutObjectCommand({ Bucket: b.config.bucket, Key: digest, Body: squatter }));
    await store.put(digest, bytes);
    expect((await store.get(digest))?.equals(squatter)).toBe(true);
  });

  test('an object of the wrong size under a digest is replaced by the right bytes', async () => {
    const b = await bucket();
    const store = createS3BlobStore(b.config);
    const bytes = randomBytes(1000);
    const digest = blobDigest(bytes);
    await b.client.send(new PutObjectCommand({ Bucket: b.config.bucket, Key: digest, Body: 'torn' }));
    await store.put(digest, bytes);
    expect((await store.get(digest))?.equals(bytes)).toBe(true);
  });

  test('two stores (two processes) writing one blob at once leave exactly it', async () => {
    const b = await bucket();
    const stores = [createS3BlobStore(b.config), createS3BlobStore(b.config)];
    const bytes = randomBytes(200_000);
    const digest = blobDigest(bytes);
    await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.put(digest, bytes)));
    expect(await stores[1]!.list()).toEqual([digest]);
    expect((await stores[0]!.get(digest))?.equals(bytes)).toBe(true);
  });

  test('a prefix keeps the store to its own keys; list follows every page', async () => {
    const b = await bucket();
    const inPrefix = createS3BlobStore({ ...b.config, prefix: 'reg/' }, { listPageSize: 2 });
    const outside = createS3BlobStore(b.config);
    const blobs = Array.from({ length: 7 }, (_, i) => Buffer.from(`blob ${i}`));
    await Promise.all(blobs.map((x) => inPrefix.put(blobDigest(x), x)));
    const other = Buffer.from('outside the prefix');
    await outside.put(blobDigest(other), other);
    expect(await inPrefix.list()).toEqual(blobs.map((x) => blobDigest(x)).sort());
    expect(await inPrefix.has(blobDigest(other))).toBe(false);
    expect(await outside.list()).toEqual([blobDigest(other)]);
  });

  test('a presigned URL serves the bytes, immutable, to a client without keys', async () => {
    const b = await bucket({ presign: 60 });
    const store = createS3BlobStore(b.config);
    const bytes = randomBytes(5000);
    await store.put(blobDigest(bytes), bytes);
    const answer = await fetch(await store.presignedUrl!(blobDigest(bytes)));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

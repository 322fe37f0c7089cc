/**
 * What an `s3://` blob-store URL says. Secrets from the URL never appear in an error message.
 */
export interface S3BlobStoreConfig {
  bucket: string;
  /** Key prefix, empty or ending in `/`: `s3://bucket/registry` → `registry/`. */
  prefix: string;
  /** An S3-compatible server (Ceph RGW, MinIO, …); unset → AWS. */
  endpoint?: string;
  region: string;
  /** `bucket` in the path instead of the host name: what most non-AWS servers need. */
  forcePathStyle: boolean;
  /** From the URL or the AWS variables; unset → the AWS SDK's default chain (profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Tarball GETs redirect to a URL presigned for this many seconds; unset → streamed through. */
  presignSeconds?: number;
}

const PARAMS = ['endpoint', 'region', 'forcePathStyle', 'accessKeyId', 'secretAccessKey', 'presign'];
/** The S3 bucket-naming rules: 3–63 characters of lowercase letters, digits, dots and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Thrown for a malformed `s3://` URL; the message names the part that is wrong. */
export class S3UrlError extends Error {
  constructor(problem: string) {
    super(
      `bad S3 blob store URL: ${problem} (expected s3://BUCKET[/PREFIX]?endpoint=URL&region=R&forcePathStyle=true)`,
    );
    this.name = 'S3UrlError';
  }
}

/**
 * Parses `s3://BUCKET[/PREFIX][?endpoint=&region=&forcePathStyle=&accessKeyId=&secretAccessKey=&presign=]`.
 * Region falls back to AWS_REGION / AWS_DEFAULT_REGION, then `us-east-1`; credentials to
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) in `env`.
 * @throws S3UrlError naming the first problem found.
 * @example parseS3Url('s3://tarballs?endpoint=http://127.0.0.1:7480&forcePathStyle=true', process.env)
 */
export function parseS3Url(text: string, env: NodeJS.ProcessEnv): S3BlobStoreConfig {
  const m = /^s3:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(text);
  if (!m) throw new S3UrlError('it must start with s3:// and have no #fragment');
  const bucket = m[1]!;
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new S3UrlError(`"${bucket.slice(0, 80)}" is not a bucket name (3-63 of a-z 0-9 . -)`);
  }
  const prefix = parsePrefix(m[2] ?? '');
  const query = new URLSearchParams(m[3] ?? '');
  for (const key of new Set(query.keys())) {
    if (!PARAMS.includes(key)) throw new S3UrlError(`unknown parameter "${key.slice(0, 40)}"`);
    if (query.getAll(key).length > 1) throw new S3UrlError(`parameter "${key}" is given twice`);
  }
  const config: S3BlobStoreConfig = {
    bucket,
    prefix,
    region: query.get('region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: parseBoolean(query.get('forcePathStyle')),
  };
  const endpoint = query.get('endpoint');
  if (endpoint !== null) config.endpoint = parseEndpoint(endpoint);
  const credentials = parseCredentials(query, env);
  if (credentials) config.credentials = credentials;
  const presign = query.get('presign');
  if (presign !== null) config.presignSeconds = parsePresign(presign);
  return config;
}

function parsePrefix(path: string): string {
  const prefix = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (prefix === '') return '';
  const segments = prefix.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || !/^[A-Za-z0-9._-]+$/.test(s))) {
    throw new S3UrlError('the prefix may hold only segments of A-Z a-z 0-9 . _ - separated by single /');
  }
  return `${prefix}/`;
}

function parseBoolean(value: string | null): boolean {
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new S3UrlError('forcePathStyle must be true or false');
}

function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new S3UrlError('endpoint must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new S3UrlError('endpoint must be an http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw new S3UrlError('endpoint must not carry credentials: use accessKeyId and secretAccessKey');
  }
  if (url.search || url.hash) throw new S3UrlError('endpoint must have no query or fragment');
  return url.href.replace(/\/+$/, '');
}

function parseCredentials(query: URLSearchParams, env: NodeJS.ProcessEnv): S3BlobStoreConfig['credentials'] {
  const id = query.get('accessKeyId');
  const secret = query.get('secretAccessKey');
  if ((id === null) !== (secret === null)) {
    throw new S3UrlError('accessKeyId and secretAccessKey go together: give both or neither');
  }
  if (id !== null && secret !== null) {
    if (!id || !secret) throw new S3UrlError('accessKeyId and secretAccessKey must not be empty');
    return { accessKeyId: id, secretAccessKey: secret };
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return undefined;
}

function parsePresign(value: string): number {
  const n = Number(value);
  if (!/^\d{1,7}$/.test(value) || n < 1 || n > MAX_PRESIGN_SECONDS) {
    throw new S3UrlError(`presign must be a number of seconds from 1 to ${MAX_PRESIGN_SECONDS}`);
  }
  return n;
}

import { createHash } from 'node:crypto';
import {
  BUNDLE_VERSION_HEADER,
  type BundleDocument,
  type BundleDocumentsEntry,
  bundleDocumentParser,
  bundleDocumentsResponseParser,
  type KeysDocument,
  keysDocumentSchema,
  type PublishResult,
  parseBundleName,
  publishResultSchema,
  type SearchResponse,
  searchResponseParser,
  type TokenInfo,
  type TokenScope,
  type tokenCreatedSchema,
  type VersionDocument,
  versionDocumentSchema,
} from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import {
  type BasicAuth,
  bundlePath,
  createRegistryCaller,
  jsonBody,
  type RegistryCaller,
  versionPath,
} from './call.ts';
import { accountCalls } from './client-account.ts';
import { maintainerCalls } from './client-maintain.ts';
import { mismatch, parseDocument, validateName } from './documents.ts';
import { type RetryInfo, safeUrl } from './http.ts';
import { editDistance } from './typosquat.ts';

export interface RegistryClientOptions {
  /** Registry base URL, e.g. `http://127.0.0.1:4873`. */
  url: string;
  /** Bearer token; sent to the registry's origin only, never printed. */
  token?: string | undefined;
  fetch?: typeof globalThis.fetch;
  userAgent?: string;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** First backoff delay (default 250 ms). */
  retryBaseMs?: number;
  /** Longest wait between attempts, `Retry-After` included (default 30 s). */
  maxRetryDelayMs?: number;
  /** Largest tarball accepted (default 10 MiB, what a registry accepts). */
  maxTarballBytes?: number;
  onRetry?: (info: RetryInfo) => void;
  /** Waits between attempts (default a real timer; tests inject one). */
  sleep?: (ms: number) => Promise<unknown>;
}

export type TokenCreated = ReturnType<typeof tokenCreatedSchema.parse>;
export type { BasicAuth } from './call.ts';

/** The registry HTTP API (docs/registry.md, docs/http-api.md) as typed calls; see createRegistryClient. */
export interface RegistryClient {
  readonly url: string;
  /** The bundle document. Throws NOT_FOUND with a "did you mean" hint from search. */
  getBundle(name: string): Promise<BundleDocument>;
  /** Conditional GET: `'not-modified'` when `etag` still matches, else the document and its ETag. */
  getBundleCached(
    name: string,
    opts: { etag?: string | undefined },
  ): Promise<'not-modified' | { document: BundleDocument; etag: string | undefined }>;
  /**
   * Many bundle documents in one request (`POST /v1/bundles/-/documents`, at most 100 names),
   * each entry what `GET /v1/bundles/NAME` would answer (a 304 entry where `etags[NAME]` still
   * matches). `'unsupported'` when the registry has no such endpoint (404 or 405).
   */
  getBundles(
    names: readonly string[],
    etags?: Readonly<Record<string, string>>,
  ): Promise<'unsupported' | Record<string, BundleDocumentsEntry>>;
  getVersion(name: string, version: string): Promise<VersionDocument>;
  /** The exact bytes at a version's `tarball` URL, size-bounded; checks `integrity` when given. */
  fetchTarball(url: string, opts?: { integrity?: string }): Promise<Buffer>;
  /**
   * Uploads a tarball; `tag` (default `latest` on the registry) is pointed at the new version.
   * `version`, the manifest's, is sent ahead of the body (`Skills-Bundle-Version`) so the registry
   * refuses a taken version or a name the caller may not write before the upload is read.
   */
  publish(
    name: string,
    tgz: Buffer,
    opts?: { tag?: string | undefined; version?: string | undefined },
  ): Promise<PublishResult>;
  /** `retries` overrides the client's (look-alike checks take 0: advisory, never worth a wait). */
  search(
    query: {
      q: string;
      category?: string | undefined;
      limit?: number;
      offset?: number;
    },
    opts?: { retries?: number },
  ): Promise<SearchResponse>;
  whoami(): Promise<{ username: string }>;
  signup(user: { username: string; password: string; email?: string }): Promise<{ username: string }>;
  createToken(opts: {
    scope?: TokenScope;
    expiresInDays?: number | undefined;
    name?: string;
    basicAuth?: BasicAuth;
  }): Promise<TokenCreated>;
  listTokens(opts?: { basicAuth?: BasicAuth }): Promise<TokenInfo[]>;
  revokeToken(id: string, opts?: { basicAuth?: BasicAuth }): Promise<void>;
  distTags: {
    get(name: string): Promise<Record<string, string>>;
    add(name: string, version: string, tag: string): Promise<Record<string, string>>;
    rm(name: string, tag: string): Promise<Record<string, string>>;
  };
  /** An empty message un-deprecates. */
  deprecate(name: string, version: string, message: string): Promise<VersionDocument>;
  yank(name: string, version: string): Promise<VersionDocument>;
  unyank(name: string, version: string): Promise<VersionDocument>;
  owners: {
    ls(name: string): Promise<string[]>;
    add(name: string, user: string): Promise<string[]>;
    rm(name: string, user: string): Promise<string[]>;
  };
  getKeys(): Promise<KeysDocument>;
}

/**
 * A client for one registry, built on global fetch (keep-alive by default in Node 20). Every
 * failure is a SkillsError: the registry's code and message for its error envelope, NETWORK,
 * TIMEOUT, TOO_LARGE or BAD_RESPONSE otherwise; the token never appears in any of them.
 * @example
 * const client = createRegistryClient({ url: 'http://127.0.0.1:4873', token })
 * const doc = await client.getBundle('@acme/deploy')
 */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const caller = createRegistryCaller(options);
  return {
    url: caller.base,
    ...bundleCalls(caller, options.maxTarballBytes ?? 10 * 1024 * 1024),
    ...accountCalls(caller),
    ...maintainerCalls(caller),
    async getKeys() {
      return parseDocument(
        await caller.call({ method: 'GET', path: '/v1/keys' }),
        'keys',
        keysDocumentSchema,
      );
    },
  };
}

type BundleCalls = Pick<
  RegistryClient,
  'getBundle' | 'getBundleCached' | 'getBundles' | 'getVersion' | 'fetchTarball' | 'publish' | 'search'
>;

/** The calls about bundles and their versions: reading, downloading, publishing, searching. */
function bundleCalls({ base, call }: RegistryCaller, maxTarballBytes: number): BundleCalls {
  async function notFoundHint(err: unknown, name: string): Promise<never> {
    if (err instanceof SkillsError && err.code === 'NOT_FOUND') {
      const other = await closestName(calls.search, name);
      throw new SkillsError('NOT_FOUND', `bundle "${name}" not found in ${base}`, {
        hint: other ? `did you mean ${other}?` : '`skills search WORDS` lists what the registry has',
        details: err.details,
      });
    }
    throw err;
  }

  const calls: BundleCalls = {
    async getBundle(name) {
      const got = await calls.getBundleCached(name, {});
      if (got === 'not-modified') throw new Error('unexpected 304 without If-None-Match');
      return got.document;
    },
    async getBundleCached(name, { etag }) {
      const headers: Record<string, string> = etag ? { 'if-none-match': etag } : {};
      const res = await call({ method: 'GET', path: bundlePath(name), headers }, [200, 304]).catch((e) =>
        notFoundHint(e, name),
      );
      if (res.status === 304) return 'not-modified';
      const document = parseDocument(res, 'bundle document', bundleDocumentParser);
      if (document.name !== name) throw mismatch(`asked for "${name}", got "${document.name}"`);
      return { document, etag: res.headers.get('etag') ?? undefined };
    },
    async getBundles(names, etags = {}) {
      for (const name of names) validateName(name);
      const ifNoneMatch = Object.keys(etags).length > 0 ? { ifNoneMatch: etags } : {};
      const res = await call(
        // A read: safe to repeat after a 5xx or a timeout.
        {
          method: 'POST',
          path: '/v1/bundles/-/documents',
          ...jsonBody({ names, ...ifNoneMatch }),
          retrySafe: true,
        },
        [200, 404, 405],
      );
      if (res.status !== 200) return 'unsupported';
      const { results } = parseDocument(res, 'bundle documents', bundleDocumentsResponseParser);
      for (const name of names) {
        const entry = results[name];
        if (!entry) throw mismatch(`asked for "${name}", got no answer for it`);
        if (entry.status === 200 && entry.document.name !== name)
          throw mismatch(`asked for "${name}", got "${entry.document.name}"`);
      }
      return results;
    },
    async getVersion(name, version) {
      const res = await call({ method: 'GET', path: versionPath(name, version) });
      const doc = parseDocument(res, 'version document', versionDocumentSchema);
      if (doc.name !== name || doc.version !== version) {
        throw mismatch(`asked for ${name}@${version}, got ${doc.name}@${doc.version}`);
      }
      return doc;
    },
    async fetchTarball(url, opts = {}) {
      if (!/^https?:\/\//.test(url)) throw mismatch(`tarball URL ${safeUrl(url)} is not http(s)`);
      const res = await call({ method: 'GET', url, maxBytes: maxTarballBytes, headers: { accept: '*/*' } });
      if (opts.integrity) checkIntegrity(res.body, opts.integrity, url);
      return res.body;
    },
    async publish(name, tgz, opts = {}) {
      const query = opts.tag ? `?tag=${encodeURIComponent(opts.tag)}` : '';
      const res = await call(
        {
          method: 'PUT',
          path: `${bundlePath(name)}${query}`,
          body: tgz,
          headers: {
            'content-type': 'application/gzip',
            ...(opts.version ? { [BUNDLE_VERSION_HEADER]: opts.version } : {}),
          },
          retrySafe: false,
        },
        [200, 201],
      );
      return parseDocument(res, 'publish result', publishResultSchema);
    },
    async search({ q, category, limit, offset }, opts = {}) {
      const params = new URLSearchParams({ q });
      if (category) params.set('category', category);
      if (limit !== undefined) params.set('limit', String(limit));
      if (offset !== undefined) params.set('offset', String(offset));
      const res = await call({ method: 'GET', path: `/v1/search?${params}`, ...opts });
      return parseDocument(res, 'search result', searchResponseParser);
    },
  };
  return calls;
}

/** Throws INTEGRITY_MISMATCH when `body` is not the bytes `integrity` names. */
function checkIntegrity(body: Buffer, integrity: string, url: string): void {
  const actual = `sha512-${createHash('sha512').update(body).digest('base64')}`;
  if (actual === integrity) return;
  throw new SkillsError('INTEGRITY_MISMATCH', `the tarball at ${safeUrl(url)} does not match its integrity`, {
    hint: 'the registry or a mirror served other bytes than were published; nothing was written',
    details: { expected: integrity, actual },
  });
}

/**
 * A published name close to a mistyped one: the closest by edit distance among what search
 * finds for the name and for its first letters (so `evl` finds `evil`), else search's best hit.
 */
async function closestName(search: RegistryClient['search'], name: string): Promise<string | undefined> {
  const short = (parseBundleName(name)?.name ?? name).slice(0, 2);
  const [byName, byPrefix] = await Promise.all(
    [name, short].map((q) => search({ q, limit: 20 }).catch(() => undefined)),
  );
  const names = [...(byName?.results ?? []), ...(byPrefix?.results ?? [])].map((r) => r.name);
  const ranked = names
    .filter((n) => n !== name)
    .map((n) => ({ n, d: editDistance(n, name, 4) }))
    .sort((a, b) => a.d - b.d);
  const best = ranked[0];
  if (best && best.d <= Math.max(2, Math.floor(name.length / 4))) return best.n;
  return byName?.results.find((r) => r.name !== name)?.name;
}

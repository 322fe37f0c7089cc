import { createHash } from 'node:crypto';
import {
  BUNDLE_VERSION_HEADER,
  type BundleDocument,
  bundleDocumentSchema,
  bundleNameSchema,
  type KeysDocument,
  keysDocumentSchema,
  type PublishResult,
  parseBundleName,
  publishResultSchema,
  type SearchResponse,
  searchResponseSchema,
  type TokenInfo,
  type TokenScope,
  tokenCreatedSchema,
  tokenInfoSchema,
  type VersionDocument,
  versionDocumentSchema,
} from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import { parseDocument, validateName } from './documents.ts';
import { errorFromResponse } from './errors.ts';
import { type HttpRequest, type HttpResponse, type RetryInfo, safeUrl, sendWithRetries } from './http.ts';
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
export type BasicAuth = { username: string; password: string };

/** The registry HTTP API (CONTRACT.md §3, docs/http-api.md) as typed calls; see createRegistryClient. */
export interface RegistryClient {
  readonly url: string;
  /** The bundle document. Throws NOT_FOUND with a "did you mean" hint from search. */
  getBundle(name: string): Promise<BundleDocument>;
  /** Conditional GET: `'not-modified'` when `etag` still matches, else the document and its ETag. */
  getBundleCached(
    name: string,
    opts: { etag?: string | undefined },
  ): Promise<'not-modified' | { document: BundleDocument; etag: string | undefined }>;
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
  search(query: {
    q: string;
    category?: string | undefined;
    limit?: number;
    offset?: number;
  }): Promise<SearchResponse>;
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
  const base = options.url.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const token = options.token;
  const settings = {
    fetch: options.fetch,
    userAgent: options.userAgent ?? `skills-cli node/${process.versions.node}`,
    retries: options.retries ?? 3,
    timeoutMs: options.timeoutMs ?? 30_000,
    retryBaseMs: options.retryBaseMs ?? 250,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    secrets: token ? [token] : [],
    onRetry: options.onRetry,
    sleep: options.sleep,
  };
  const maxTarballBytes = options.maxTarballBytes ?? 10 * 1024 * 1024;

  async function call(
    req: Omit<HttpRequest, 'url'> & { path?: string; url?: string; basicAuth?: BasicAuth | undefined },
    ok: number[] = [200],
  ): Promise<HttpResponse> {
    const url = req.url ?? `${base}${req.path ?? ''}`;
    const headers: Record<string, string> = { ...req.headers };
    if (req.basicAuth) {
      const pair = `${req.basicAuth.username}:${req.basicAuth.password}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
      settings.secrets = [...settings.secrets, req.basicAuth.password];
    } else if (token && new URL(url).origin === origin) {
      headers.authorization = `Bearer ${token}`;
    }
    const res = await sendWithRetries(settings, { ...req, url, headers });
    if (!ok.includes(res.status))
      throw errorFromResponse(res, { url, registryUrl: base, secrets: settings.secrets });
    return res;
  }
  const json = (body: unknown) => ({
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const bundlePath = (name: string) => `/v1/bundles/${validateName(name)}`;
  const versionPath = (name: string, version: string) => `${bundlePath(name)}/${encodeURIComponent(version)}`;
  const tagsOf = (res: HttpResponse) => parseDocument(res, 'dist-tags', isStringRecord);
  const ownersOf = (res: HttpResponse) => parseDocument(res, 'owners', isOwners).owners;
  const versionOf = (res: HttpResponse) => parseDocument(res, 'version document', versionDocumentSchema);

  /**
   * A published name close to a mistyped one: the closest by edit distance among what search
   * finds for the name and for its first letters (so `evl` finds `evil`), else search's best hit.
   */
  async function closestName(c: RegistryClient, name: string): Promise<string | undefined> {
    const short = (parseBundleName(name)?.name ?? name).slice(0, 2);
    const [byName, byPrefix] = await Promise.all(
      [name, short].map((q) => c.search({ q, limit: 20 }).catch(() => undefined)),
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

  async function notFoundHint(err: unknown, name: string): Promise<never> {
    if (err instanceof SkillsError && err.code === 'NOT_FOUND') {
      const other = await closestName(client, name);
      throw new SkillsError('NOT_FOUND', `bundle "${name}" not found in ${base}`, {
        hint: other ? `did you mean ${other}?` : '`skills search WORDS` lists what the registry has',
        details: err.details,
      });
    }
    throw err;
  }

  const client: RegistryClient = {
    url: base,
    async getBundle(name) {
      const got = await client.getBundleCached(name, {});
      if (got === 'not-modified') throw new Error('unexpected 304 without If-None-Match');
      return got.document;
    },
    async getBundleCached(name, { etag }) {
      const headers: Record<string, string> = etag ? { 'if-none-match': etag } : {};
      const res = await call({ method: 'GET', path: bundlePath(name), headers }, [200, 304]).catch((e) =>
        notFoundHint(e, name),
      );
      if (res.status === 304) return 'not-modified';
      const document = parseDocument(res, 'bundle document', bundleDocumentSchema);
      if (document.name !== name) throw mismatch(`asked for "${name}", got "${document.name}"`);
      return { document, etag: res.headers.get('etag') ?? undefined };
    },
    async getVersion(name, version) {
      const doc = versionOf(await call({ method: 'GET', path: versionPath(name, version) }));
      if (doc.name !== name || doc.version !== version) {
        throw mismatch(`asked for ${name}@${version}, got ${doc.name}@${doc.version}`);
      }
      return doc;
    },
    async fetchTarball(url, opts = {}) {
      if (!/^https?:\/\//.test(url)) throw mismatch(`tarball URL ${safeUrl(url)} is not http(s)`);
      const res = await call({ method: 'GET', url, maxBytes: maxTarballBytes, headers: { accept: '*/*' } });
      if (opts.integrity) {
        const actual = `sha512-${createHash('sha512').update(res.body).digest('base64')}`;
        if (actual !== opts.integrity) {
          throw new SkillsError(
            'INTEGRITY_MISMATCH',
            `the tarball at ${safeUrl(url)} does not match its integrity`,
            {
              hint: 'the registry or a mirror served other bytes than were published; nothing was written',
              details: { expected: opts.integrity, actual },
            },
          );
        }
      }
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
    async search({ q, category, limit, offset }) {
      const params = new URLSearchParams({ q });
      if (category) params.set('category', category);
      if (limit !== undefined) params.set('limit', String(limit));
      if (offset !== undefined) params.set('offset', String(offset));
      const res = await call({ method: 'GET', path: `/v1/search?${params}` });
      return parseDocument(res, 'search result', searchResponseSchema);
    },
    async whoami() {
      return parseDocument(await call({ method: 'GET', path: '/v1/whoami' }), 'whoami', isUsername);
    },
    async signup(user) {
      const res = await call({ method: 'POST', path: '/v1/users', ...json(user) }, [200, 201]);
      return { username: tryUsername(res) ?? user.username };
    },
    async createToken({ scope, expiresInDays, name, basicAuth }) {
      const body = {
        ...(scope ? { scope } : {}),
        ...(expiresInDays ? { expiresInDays } : {}),
        ...(name ? { name } : {}),
      };
      const res = await call({ method: 'POST', path: '/v1/tokens', basicAuth, ...json(body) }, [200, 201]);
      const created = parseDocument(res, 'token', tokenCreatedSchema);
      settings.secrets = [...settings.secrets, created.token];
      return created;
    },
    async listTokens(opts = {}) {
      const res = await call({ method: 'GET', path: '/v1/tokens', basicAuth: opts.basicAuth });
      return parseDocument(res, 'token list', tokenListSchema).tokens;
    },
    async revokeToken(id, opts = {}) {
      await call(
        { method: 'DELETE', path: `/v1/tokens/${encodeURIComponent(id)}`, basicAuth: opts.basicAuth },
        [200, 204],
      );
    },
    distTags: {
      get: async (name) => tagsOf(await call({ method: 'GET', path: `${bundlePath(name)}/dist-tags` })),
      add: async (name, version, tag) =>
        tagsOf(
          await call(
            {
              method: 'PUT',
              path: `${bundlePath(name)}/dist-tags/${encodeURIComponent(tag)}`,
              ...json({ version }),
            },
            [200, 201],
          ),
        ),
      rm: async (name, tag) =>
        tagsOf(
          await call({ method: 'DELETE', path: `${bundlePath(name)}/dist-tags/${encodeURIComponent(tag)}` }),
        ),
    },
    deprecate: async (name, version, message) =>
      versionOf(
        await call({ method: 'POST', path: `${versionPath(name, version)}/deprecate`, ...json({ message }) }),
      ),
    yank: async (name, version) =>
      versionOf(await call({ method: 'POST', path: `${versionPath(name, version)}/yank` })),
    unyank: async (name, version) =>
      versionOf(await call({ method: 'POST', path: `${versionPath(name, version)}/unyank` })),
    owners: {
      ls: async (name) => ownersOf(await call({ method: 'GET', path: `${bundlePath(name)}/owners` })),
      add: async (name, user) =>
        ownersOf(
          await call({ method: 'PUT', path: `${bundlePath(name)}/owners/${encodeURIComponent(user)}` }),
        ),
      rm: async (name, user) =>
        ownersOf(
          await call({ method: 'DELETE', path: `${bundlePath(name)}/owners/${encodeURIComponent(user)}` }),
        ),
    },
    async getKeys() {
      return parseDocument(await call({ method: 'GET', path: '/v1/keys' }), 'keys', keysDocumentSchema);
    },
  };
  return client;
}

const tokenListSchema = {
  safeParse(data: unknown) {
    const tokens = (data as { tokens?: unknown })?.tokens;
    if (!Array.isArray(tokens)) return { success: false as const, error: { issues: [{ path: ['tokens'] }] } };
    const parsed = tokens.map((t) => tokenInfoSchema.safeParse(t));
    const bad = parsed.findIndex((p) => !p.success);
    if (bad !== -1) return { success: false as const, error: { issues: [{ path: ['tokens', bad] }] } };
    return { success: true as const, data: { tokens: parsed.map((p) => p.data as TokenInfo) } };
  },
};

const isStringRecord = guard<Record<string, string>>(
  (d) => typeof d === 'object' && d !== null && Object.values(d).every((v) => typeof v === 'string'),
);
const isOwners = guard<{ owners: string[] }>(
  (d) =>
    Array.isArray((d as { owners?: unknown })?.owners) && (d as { owners: unknown[] }).owners.every(isString),
);
const isUsername = guard<{ username: string }>((d) => isString((d as { username?: unknown })?.username));

function guard<T>(test: (d: unknown) => boolean) {
  return {
    safeParse: (data: unknown) =>
      test(data)
        ? { success: true as const, data: data as T }
        : { success: false as const, error: { issues: [{ path: [] as PropertyKey[] }] } },
  };
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function tryUsername(res: HttpResponse): string | undefined {
  try {
    const u = (JSON.parse(res.body.toString('utf8')) as { username?: unknown }).username;
    return typeof u === 'string' && bundleNameSchema.safeParse(u).success ? u : undefined;
  } catch {
    return undefined;
  }
}

function mismatch(message: string): SkillsError {
  return new SkillsError('BAD_RESPONSE', message, {
    hint: 'the registry or a proxy in between is misbehaving',
  });
}

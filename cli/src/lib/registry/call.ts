import type { RegistryClientOptions } from './client.ts';
import { validateName } from './documents.ts';
import { errorFromResponse } from './errors.ts';
import { type HttpRequest, type HttpResponse, sendWithRetries } from './http.ts';

export type BasicAuth = { username: string; password: string };

/** One request to the registry: a path under its base URL (or a full `url`), optional basic auth. */
export type RegistryRequest = Omit<HttpRequest, 'url'> & {
  path?: string;
  url?: string;
  basicAuth?: BasicAuth | undefined;
  /** Retries for this request instead of the client's (0: an answer that can wait for nobody). */
  retries?: number;
};

/** How a client talks to one registry; every call shares its retry settings and secrets. */
export interface RegistryCaller {
  /** The registry URL without trailing slashes. */
  readonly base: string;
  /** Sends `req`; a status outside `ok` (default 200) throws the registry's error. */
  call(req: RegistryRequest, ok?: number[]): Promise<HttpResponse>;
  /** A value learnt later (a new token) that must never be printed either. */
  addSecret(secret: string): void;
}

/**
 * The transport of a registry client: the bearer token goes to the registry's own origin only
 * (a tarball elsewhere gets none), basic auth replaces it when given, and the token and every
 * password or token seen are redacted from errors and retry notices.
 * @example const { call } = createRegistryCaller({ url, token }); await call({ method: 'GET', path: '/v1/whoami' })
 */
export function createRegistryCaller(options: RegistryClientOptions): RegistryCaller {
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
  const addSecret = (secret: string) => {
    settings.secrets = [...settings.secrets, secret];
  };

  async function call(req: RegistryRequest, ok: number[] = [200]): Promise<HttpResponse> {
    const url = req.url ?? `${base}${req.path ?? ''}`;
    const headers: Record<string, string> = { ...req.headers };
    if (req.basicAuth) {
      const pair = `${req.basicAuth.username}:${req.basicAuth.password}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
      addSecret(req.basicAuth.password);
    } else if (token && new URL(url).origin === origin) {
      headers.authorization = `Bearer ${token}`;
    }
    const { retries, ...rest } = req;
    const res = await sendWithRetries(retries === undefined ? settings : { ...settings, retries }, {
      ...rest,
      url,
      headers,
    });
    if (!ok.includes(res.status))
      throw errorFromResponse(res, { url, registryUrl: base, secrets: settings.secrets });
    return res;
  }
  return { base, call, addSecret };
}

/** A JSON request body and its content type, to spread into a RegistryRequest. */
export function jsonBody(body: unknown) {
  return { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

/** `/v1/bundles/<name>`; throws USAGE for an invalid name, so it can go into the path unescaped. */
export function bundlePath(name: string): string {
  return `/v1/bundles/${validateName(name)}`;
}

/** `/v1/bundles/<name>/<version>`. */
export function versionPath(name: string, version: string): string {
  return `${bundlePath(name)}/${encodeURIComponent(version)}`;
}

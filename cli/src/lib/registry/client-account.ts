import { bundleNameSchema, type TokenInfo, tokenCreatedSchema, tokenInfoSchema } from '@skills/schemas';
import { jsonBody, type RegistryCaller } from './call.ts';
import type { RegistryClient } from './client.ts';
import { guard, isString, parseDocument } from './documents.ts';
import type { HttpResponse } from './http.ts';

type AccountCalls = Pick<RegistryClient, 'whoami' | 'signup' | 'createToken' | 'listTokens' | 'revokeToken'>;

/** The calls about the user: who they are, signing up, and their tokens. */
export function accountCalls({ call, addSecret }: RegistryCaller): AccountCalls {
  return {
    async whoami() {
      return parseDocument(await call({ method: 'GET', path: '/v1/whoami' }), 'whoami', isUsername);
    },
    async signup(user) {
      const res = await call({ method: 'POST', path: '/v1/users', ...jsonBody(user) }, [200, 201]);
      return { username: tryUsername(res) ?? user.username };
    },
    async createToken({ scope, expiresInDays, name, basicAuth }) {
      const body = {
        ...(scope ? { scope } : {}),
        ...(expiresInDays ? { expiresInDays } : {}),
        ...(name ? { name } : {}),
      };
      const res = await call(
        { method: 'POST', path: '/v1/tokens', basicAuth, ...jsonBody(body) },
        [200, 201],
      );
      const created = parseDocument(res, 'token', tokenCreatedSchema);
      addSecret(created.token);
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
  };
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

const isUsername = guard<{ username: string }>((d) => isString((d as { username?: unknown })?.username));

function tryUsername(res: HttpResponse): string | undefined {
  try {
    const u = (JSON.parse(res.body.toString('utf8')) as { username?: unknown }).username;
    return typeof u === 'string' && bundleNameSchema.safeParse(u).success ? u : undefined;
  } catch {
    return undefined;
  }
}

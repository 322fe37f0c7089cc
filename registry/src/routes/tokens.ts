import { tokenRequestSchema } from '@skills/schemas';
import type { Hono } from 'hono';
import { requestInfo, requireActor } from '../http/auth.ts';
import { readJson } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { createToken } from '../services/create-token.ts';
import { listTokens } from '../services/list-tokens.ts';
import { revokeToken } from '../services/revoke-token.ts';
import { takeRateLimit } from '../services/take-rate-limit.ts';

export function tokenRoutes(app: Hono<AppEnv>): void {
  app.post('/v1/tokens', async (c) => {
    const deps = c.get('deps');
    const actor = await requireActor(c, { scope: 'read', allowBasic: true });
    if (actor.tokenId) await takeRateLimit({ deps, input: { kind: 'login', who: `~${actor.username}` } });
    const body = await readJson(c, tokenRequestSchema, { optional: true });
    const created = await createToken({
      deps,
      input: {
        actor,
        scope: body.scope,
        ...(body.expiresInDays !== undefined ? { expiresInDays: body.expiresInDays } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        request: requestInfo(c),
      },
    });
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  });

  app.get('/v1/tokens', async (c) => {
    const actor = await requireActor(c, { scope: 'read', allowBasic: true });
    return c.json({ tokens: await listTokens({ deps: c.get('deps'), input: { username: actor.username } }) });
  });

  app.delete('/v1/tokens/:id', async (c) => {
    const actor = await requireActor(c, { scope: 'read', allowBasic: true });
    await revokeToken({
      deps: c.get('deps'),
      input: { actor, id: c.req.param('id'), request: requestInfo(c) },
    });
    return c.body(null, 204);
  });
}

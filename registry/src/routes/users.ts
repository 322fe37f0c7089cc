import { signupRequestSchema } from '@skills/schemas';
import type { Hono } from 'hono';
import { RegistryError } from '../errors.ts';
import { requestInfo, requireActor } from '../http/auth.ts';
import { readJson } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { createUser } from '../services/create-user.ts';
import { takeRateLimit } from '../services/take-rate-limit.ts';

export function userRoutes(app: Hono<AppEnv>): void {
  app.post('/v1/users', async (c) => {
    const deps = c.get('deps');
    if (!deps.signup)
      throw new RegistryError('SIGNUP_CLOSED', 'sign-up is closed on this registry; ask an admin');
    const request = requestInfo(c);
    await takeRateLimit({ deps, input: { kind: 'signup', who: request.ip ?? 'unknown' } });
    const body = await readJson(c, signupRequestSchema);
    await createUser({
      deps,
      input: { username: body.username, password: body.password, email: body.email, actor: '~self', request },
    });
    return c.json({ username: body.username }, 201);
  });

  app.get('/v1/whoami', async (c) => {
    const actor = await requireActor(c, { scope: 'read', allowBasic: true });
    return c.json({ username: actor.username });
  });
}

import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { listSigningKeys } from '../services/list-signing-keys.ts';

export function keyRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/keys', async (c) => c.json(await listSigningKeys({ deps: c.get('deps') })));
}

import type { Hono } from 'hono';
import { publicOrigin } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { buildDiscoveryIndex } from '../services/build-discovery-index.ts';
import { listSigningKeys } from '../services/list-signing-keys.ts';

export function keyRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/keys', async (c) => c.json(await listSigningKeys({ deps: c.get('deps') })));

  app.get('/.well-known/agent-skills/index.json', async (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.json(await buildDiscoveryIndex({ deps: c.get('deps'), input: { origin: publicOrigin(c) } }));
  });
}

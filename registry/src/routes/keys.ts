import type { KeysDocument } from '@skills/schemas';
import type { Hono } from 'hono';
import { requestOrigin } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { buildDiscoveryIndex } from '../services/build-discovery-index.ts';

export function keyRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/keys', async (c) => {
    const { store, signer } = c.get('deps');
    const stored = await store.listSigningKeys();
    const all = stored.some((k) => k.keyid === signer.keyid) ? stored : [...stored, signer];
    const body: KeysDocument = {
      keys: all.map((k) => ({
        keyid: k.keyid,
        algorithm: 'ed25519',
        publicKey: k.publicKey,
        createdAt: k.createdAt,
      })),
    };
    return c.json(body);
  });

  app.get('/.well-known/agent-skills/index.json', async (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.json(await buildDiscoveryIndex({ deps: c.get('deps'), input: { origin: requestOrigin(c) } }));
  });
}

import { createApp, createEphemeralSigner, createMemoryBlobStore, type Store } from '@skills/registry';

/**
 * `GET path` on an in-process app over `store` (rate limits off; memory blobs, throwaway key):
 * route, service, store and JSON without the network. Throws on anything but a 200.
 * @example const get = searchApp(store); const { total } = await get('/v1/search?q=deploy')
 */
export function searchApp(store: Store): (path: string) => Promise<{ total: number }> {
  const app = createApp({
    store,
    blobs: createMemoryBlobStore(),
    signer: createEphemeralSigner(),
    rateLimits: false,
  });
  return async (path) => {
    const res = await app.request(path);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { total: number };
  };
}

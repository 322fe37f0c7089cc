import type { Context, Hono } from 'hono';
import { bundleName, bundlePagePaths, publicOrigin } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { matchesEtag } from '../http/etag.ts';
import { buildBundleDiscoveryIndex, buildDiscoveryIndex } from '../services/build-discovery-index.ts';
import { getSkillArtifact } from '../services/get-skill-artifact.ts';

const WELL_KNOWN = '/.well-known/agent-skills';
const VERSION = '/:version{[0-9][^/]*}';

/**
 * The Agent Skills discovery indexes (v0.2.0): the registry's most downloaded skills at the
 * origin, each bundle's skills under `/bundles/NAME`, and the skills' artifacts. Registered
 * before the marketplace pages, which `/bundles/NAME…` would otherwise reach.
 */
export function discoveryRoutes(app: Hono<AppEnv>): void {
  app.get(`${WELL_KNOWN}/index.json`, async (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.json(await buildDiscoveryIndex({ deps: c.get('deps'), input: { origin: publicOrigin(c) } }));
  });

  app.on('GET', bundlePagePaths(`${WELL_KNOWN}/index.json`), async (c) => {
    const input = { name: bundleName(c), origin: publicOrigin(c) };
    c.header('Cache-Control', 'no-cache');
    return c.json(await buildBundleDiscoveryIndex({ deps: c.get('deps'), input }));
  });

  app.on('GET', bundlePagePaths(`${WELL_KNOWN}${VERSION}/:archive{[a-z0-9-]+\\.tar\\.gz}`), (c) =>
    sendArtifact(c, 'archive', (c.req.param('archive') ?? '').slice(0, -'.tar.gz'.length)),
  );

  app.on('GET', bundlePagePaths(`${WELL_KNOWN}${VERSION}/:skill{[a-z0-9-]+}/SKILL.md`), (c) =>
    sendArtifact(c, 'skill-md', c.req.param('skill') ?? ''),
  );
}

async function sendArtifact(c: Context<AppEnv>, type: 'skill-md' | 'archive', skill: string) {
  const { sha256, bytes } = await getSkillArtifact({
    deps: c.get('deps'),
    input: { name: bundleName(c), version: c.req.param('version') ?? '', skill, type },
  });
  const etag = `"sha256:${sha256}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  c.header('Content-Type', type === 'archive' ? 'application/gzip' : 'text/markdown; charset=utf-8');
  c.header('Content-Length', String(bytes.length));
  // A Buffer is a Uint8Array over a plain ArrayBuffer here (never a SharedArrayBuffer).
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
}

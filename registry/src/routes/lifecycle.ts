import { deprecateRequestSchema } from '@skills/schemas';
import type { Context, Hono } from 'hono';
import { requestInfo, requireActor } from '../http/auth.ts';
import { readJson } from '../http/body.ts';
import { bundleName, bundlePaths, publicOrigin, VERSION_PARAM } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { deprecateVersion } from '../services/deprecate-version.ts';
import { setYanked } from '../services/set-yanked.ts';

export function lifecycleRoutes(app: Hono<AppEnv>): void {
  app.on('POST', bundlePaths(`${VERSION_PARAM}/deprecate`), async (c) => {
    const target = await versionTarget(c);
    const { message } = await readJson(c, deprecateRequestSchema);
    return c.json(await deprecateVersion({ deps: c.get('deps'), input: { ...target, message } }));
  });

  for (const [action, yanked] of [
    ['yank', true],
    ['unyank', false],
  ] as const) {
    app.on('POST', bundlePaths(`${VERSION_PARAM}/${action}`), async (c) => {
      const target = await versionTarget(c);
      return c.json(await setYanked({ deps: c.get('deps'), input: { ...target, yanked } }));
    });
  }
}

async function versionTarget(c: Context<AppEnv>) {
  const name = bundleName(c);
  const actor = await requireActor(c, { scope: 'publish' });
  const version = (c.req.param() as Record<string, string>).version ?? '';
  return { name, version, actor, origin: publicOrigin(c), request: requestInfo(c) };
}

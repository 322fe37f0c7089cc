import { distTagRequestSchema } from '@skills/schemas';
import type { Hono } from 'hono';
import { requestInfo, requireActor } from '../http/auth.ts';
import { readJson } from '../http/body.ts';
import { bundleName, bundlePaths } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { listDistTags } from '../services/list-dist-tags.ts';
import { removeDistTag } from '../services/remove-dist-tag.ts';
import { setDistTag } from '../services/set-dist-tag.ts';

export function distTagRoutes(app: Hono<AppEnv>): void {
  app.on('GET', bundlePaths('/dist-tags'), async (c) => {
    return c.json(await listDistTags({ deps: c.get('deps'), input: { name: bundleName(c) } }));
  });

  app.on('PUT', bundlePaths('/dist-tags/:tag'), async (c) => {
    const name = bundleName(c);
    const actor = await requireActor(c, { scope: 'publish' });
    const { version } = await readJson(c, distTagRequestSchema);
    const tag = (c.req.param() as Record<string, string>).tag ?? '';
    return c.json(
      await setDistTag({
        deps: c.get('deps'),
        input: { name, tag, version, actor, request: requestInfo(c) },
      }),
    );
  });

  app.on('DELETE', bundlePaths('/dist-tags/:tag'), async (c) => {
    const name = bundleName(c);
    const actor = await requireActor(c, { scope: 'publish' });
    const tag = (c.req.param() as Record<string, string>).tag ?? '';
    return c.json(
      await removeDistTag({ deps: c.get('deps'), input: { name, tag, actor, request: requestInfo(c) } }),
    );
  });
}

import { SKILL_NAME_PATTERN } from '@skills/schemas';
import type { Context, Hono } from 'hono';
import { RegistryError } from '../errors.ts';
import { requestInfo, requireActor } from '../http/auth.ts';
import { bundleName, bundlePaths } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { changeOwners } from '../services/change-owners.ts';
import { changeScopeOwners } from '../services/change-scope-owners.ts';
import { listOwners } from '../services/list-owners.ts';
import { listScopeOwners } from '../services/list-scope-owners.ts';

export function ownerRoutes(app: Hono<AppEnv>): void {
  app.on('GET', bundlePaths('/owners'), async (c) => {
    return c.json({ owners: await listOwners({ deps: c.get('deps'), input: { name: bundleName(c) } }) });
  });

  for (const [method, add] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.on(method, bundlePaths('/owners/:user'), async (c) => {
      const name = bundleName(c);
      const actor = await requireActor(c, { scope: 'publish' });
      const username = param(c, 'user');
      const owners = await changeOwners({
        deps: c.get('deps'),
        input: { name, username, add, actor, request: requestInfo(c) },
      });
      return c.json({ owners });
    });

    app.on(method, '/v1/scopes/:scope/owners/:user', async (c) => {
      const scope = scopeParam(c);
      const actor = await requireActor(c, { scope: 'publish' });
      const username = param(c, 'user');
      const owners = await changeScopeOwners({
        deps: c.get('deps'),
        input: { scope, username, add, actor, request: requestInfo(c) },
      });
      return c.json({ scope, owners });
    });
  }

  app.get('/v1/scopes/:scope', async (c) => {
    const scope = scopeParam(c);
    return c.json({ scope, owners: await listScopeOwners({ deps: c.get('deps'), input: { scope } }) });
  });
}

function param(c: Context<AppEnv>, key: string): string {
  return (c.req.param() as Record<string, string | undefined>)[key] ?? '';
}

/** `acme` from `acme` or `@acme`, checked against the name rule. */
function scopeParam(c: Context<AppEnv>): string {
  const scope = param(c, 'scope').replace(/^@/, '');
  if (!SKILL_NAME_PATTERN.test(scope) || scope.length > 64)
    throw new RegistryError('BAD_REQUEST', 'invalid scope name');
  return scope;
}

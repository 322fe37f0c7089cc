import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectBundle, packDirectory } from '@skills/archive';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/caller.ts';
import { createUser, ignoreUserExists } from './create-user.ts';
import { publishBundle } from './publish-bundle.ts';

/** The user that owns seeded bundles; it has no password, and sign-up cannot take its name. */
export const SYSTEM_USER = 'system';

/**
 * Publishes every bundle folder directly in `dir` whose name@version is not published yet, as
 * SYSTEM_USER, through the same checks as any upload. A folder that fails is logged and skipped.
 * @returns what was published, as `name@version`.
 */
export async function seedBundles({
  deps,
  input,
}: {
  deps: Deps;
  input: { dir: string };
}): Promise<string[]> {
  const entries = await readdir(input.dir, { withFileTypes: true }).catch(() => []);
  const folders = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (folders.length > 0 && !(await deps.store.getUser(SYSTEM_USER))) {
    await createUser({
      deps,
      input: {
        username: SYSTEM_USER,
        password: null,
        admin: true,
        actor: 'system',
        request: { ip: null, requestId: null },
      },
    }).catch(ignoreUserExists);
  }
  const actor: Actor = {
    username: SYSTEM_USER,
    admin: true,
    scope: 'publish',
    tokenId: null,
    tokenExpiresAt: null,
  };
  const published: string[] = [];
  for (const folder of folders) {
    const path = join(input.dir, folder);
    try {
      const { tarball, files } = await packDirectory(path);
      const manifest = inspectBundle(files).manifest;
      if (!manifest) throw new Error('no valid manifest (run `skills validate` on it)');
      if (await deps.store.wasPublished(manifest.name, manifest.version)) continue;
      await publishBundle({
        deps,
        input: {
          name: manifest.name,
          version: manifest.version,
          body: async () => tarball,
          actor,
          request: { ip: null, requestId: 'seed' },
        },
      });
      published.push(`${manifest.name}@${manifest.version}`);
      deps.log({ level: 'info', msg: 'seeded bundle', name: manifest.name, version: manifest.version });
    } catch (e) {
      deps.log({ level: 'warn', msg: 'seed folder skipped', folder: path, error: (e as Error).message });
    }
  }
  return published;
}

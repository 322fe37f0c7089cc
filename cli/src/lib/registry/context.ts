import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatIssuePath, projectManifestSchema } from '@skills/schemas';
import {
  type ProjectRegistrySettings,
  readConfig,
  registryAccess,
  type SkillsPaths,
  skillsPaths,
  type UserConfig,
} from '../config.ts';
import type { CommandContext } from '../context.ts';
import { SkillsError } from '../errors.ts';
import { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './client.ts';
import { describeRetry } from './http.ts';

/** Everything a registry command needs, resolved once. */
export interface RegistryContext {
  url: string;
  token: string | undefined;
  client: RegistryClient;
  config: UserConfig;
  paths: SkillsPaths;
  project: ProjectRegistrySettings | undefined;
}

/**
 * Resolves the registry (per-scope mapping for `bundle`, else the order docs/cli.md gives), the token bound
 * to it (see registryAccess; a notice on stderr when SKILLS_TOKEN is held back) and a client
 * that reports retries on stderr. With `requireToken`, throws UNAUTHORIZED before any
 * request when no token is known.
 * @example const { client, url } = await openRegistry(ctx, { bundle: '@acme/deploy', requireToken: true })
 */
export async function openRegistry(
  ctx: Pick<CommandContext, 'cwd' | 'env' | 'global' | 'stderr'>,
  opts: { bundle?: string; requireToken?: boolean; client?: Partial<RegistryClientOptions> } = {},
): Promise<RegistryContext> {
  const paths = skillsPaths(ctx.env);
  const config = await readConfig(paths);
  const project = await readProjectRegistrySettings(ctx.cwd);
  const { url, token, notice } = registryAccess(opts.bundle ?? '', {
    flag: ctx.global.registry,
    env: ctx.env,
    project,
    config,
  });
  if (opts.requireToken && !token) {
    throw new SkillsError('UNAUTHORIZED', `not logged in to ${url}`, {
      hint: notice
        ? `SKILLS_TOKEN is only sent to the registry you chose: set SKILLS_REGISTRY=${url} or run \`skills login --registry ${url}\``
        : `run \`skills login --registry ${url}\` or set SKILLS_TOKEN`,
    });
  }
  if (notice) ctx.stderr.write(notice);
  const client = createRegistryClient({
    url,
    token,
    onRetry: (r) => ctx.stderr.write(describeRetry(r)),
    ...opts.client,
  });
  return { url, token, client, config, paths, project };
}

/**
 * The `registry` and `scopes` of the nearest skills.json at or above `cwd`; undefined when
 * there is none. Throws MANIFEST_INVALID (naming the field, never echoing content) when the
 * file is not a valid project manifest.
 * @example await readProjectRegistrySettings('/repo/app') // { registry: 'https://…', scopes: { '@acme': '…' } }
 */
export async function readProjectRegistrySettings(cwd: string): Promise<ProjectRegistrySettings | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, 'skills.json');
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (text !== undefined) return parseProjectSettings(text, file);
    if (dirname(dir) === dir) return undefined;
  }
}

function parseProjectSettings(text: string, file: string): ProjectRegistrySettings {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SkillsError('MANIFEST_INVALID', `${file} is not valid JSON`, {
      hint: 'fix the file and retry',
    });
  }
  const parsed = projectManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SkillsError(
      'MANIFEST_INVALID',
      `${file}: ${formatIssuePath(issue?.path ?? [])}: ${issue?.message}`,
      {
        hint: 'fix the file and retry',
      },
    );
  }
  return { registry: parsed.data.registry, scopes: parsed.data.scopes };
}

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseBundleName } from '@skills/schemas';
import { SkillsError } from './errors.ts';

/** Where the CLI keeps its files (docs/formats.md "Where things go on disk"). */
export interface SkillsPaths {
  /** `$XDG_CONFIG_HOME/skills`, default `~/.config/skills`. */
  configDir: string;
  /** `configDir/config.json`: tokens live here, mode 0600. */
  configFile: string;
  /** `$XDG_CACHE_HOME/skills`, default `~/.cache/skills`: metadata cache and content-addressed store. */
  cacheDir: string;
}

/** The user config file. Registry URLs are keys in their normalised form (see normalizeRegistryUrl). */
export interface UserConfig {
  registry?: string;
  /** `{"@acme": "https://skills.acme.dev"}`: a mapped scope never falls back to another registry. */
  scopes?: Record<string, string>;
  registries: Record<string, { token?: string; username?: string; tokenId?: string }>;
  /** Trust-on-first-use pins of each registry's signing keys: `{[url]: {keyid: base64 DER}}`. */
  keys?: Record<string, Record<string, string>>;
}

/** Project settings that choose registries (a subset of skills.json). */
export interface ProjectRegistrySettings {
  registry?: string | undefined;
  scopes?: Record<string, string> | undefined;
}

export const DEFAULT_REGISTRY = 'http://127.0.0.1:4873';

type Env = Record<string, string | undefined>;

/**
 * The CLI's directories, from `env` (never process.env), falling back to the home directory.
 * @example skillsPaths({ XDG_CONFIG_HOME: '/tmp/c' }).configFile // '/tmp/c/skills/config.json'
 */
export function skillsPaths(env: Env): SkillsPaths {
  const home = env.HOME || homedir();
  const configDir = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'skills');
  const cacheDir = join(env.XDG_CACHE_HOME || join(home, '.cache'), 'skills');
  return { configDir, configFile: join(configDir, 'config.json'), cacheDir };
}

/**
 * The canonical form of a registry URL, used as the key for tokens and key pins: origin plus
 * path without a trailing slash. Throws a USAGE SkillsError for anything but http(s), and for
 * URLs that carry a user or password (they would end up stored in clear).
 * @example normalizeRegistryUrl('HTTP://Example.com:80/reg/') // 'http://example.com/reg'
 */
export function normalizeRegistryUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SkillsError('USAGE', `"${url.slice(0, 200)}" is not a registry URL`, {
      hint: 'give a URL such as http://127.0.0.1:4873',
      exitCode: 2,
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new SkillsError('USAGE', `registry URL must be http(s), not ${u.protocol}`, { exitCode: 2 });
  }
  if (u.username || u.password) {
    throw new SkillsError('USAGE', 'registry URL must not contain a user or password', {
      hint: 'use `skills login` or SKILLS_TOKEN instead',
      exitCode: 2,
    });
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * Reads the user config; a missing file is an empty config. Throws CONFIG_INVALID (without
 * echoing the content, which holds tokens) when the file is not a JSON object.
 * @example const config = await readConfig(skillsPaths(ctx.env))
 */
export async function readConfig(paths: SkillsPaths): Promise<UserConfig> {
  let text: string;
  try {
    text = await readFile(paths.configFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { registries: {} };
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!isRecord(data) || (data.registries !== undefined && !isRecord(data.registries))) {
    throw new SkillsError('CONFIG_INVALID', `${paths.configFile} is not a valid skills config file`, {
      hint: 'fix it or delete it (then run `skills login` again)',
    });
  }
  const config = data as unknown as UserConfig;
  return { ...config, registries: config.registries ?? {} };
}

/**
 * Writes the user config atomically (temp file + rename): mode 0600 for the file, 0700 for its
 * directory, since it holds tokens.
 * @example await writeConfig(paths, { ...config, registry: 'https://skills.example' })
 */
export async function writeConfig(paths: SkillsPaths, config: UserConfig): Promise<void> {
  await mkdir(paths.configDir, { recursive: true, mode: 0o700 });
  await chmod(paths.configDir, 0o700);
  const tmp = join(
    dirname(paths.configFile),
    `.config.json.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    await rename(tmp, paths.configFile);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Read-modify-write of the user config; `change` returns the new config.
 * @example await updateConfig(paths, (c) => ({ ...c, registries: { ...c.registries, [url]: { token } } }))
 */
export async function updateConfig(
  paths: SkillsPaths,
  change: (config: UserConfig) => UserConfig | Promise<UserConfig>,
): Promise<UserConfig> {
  const next = await change(await readConfig(paths));
  await writeConfig(paths, next);
  return next;
}

/**
 * The registry for commands that are not about one scoped bundle, in the order docs/cli.md gives:
 * `--registry`, env SKILLS_REGISTRY, skills.json `registry`, config `registry`, the default.
 * Throws USAGE for a malformed URL.
 * @example resolveRegistry({ flag: undefined, env: {}, project: undefined, config }) // 'http://127.0.0.1:4873'
 */
export function resolveRegistry(opts: {
  flag?: string | undefined;
  env: Env;
  project?: ProjectRegistrySettings | undefined;
  config?: UserConfig | undefined;
}): string {
  const url =
    opts.flag ||
    opts.env.SKILLS_REGISTRY ||
    opts.project?.registry ||
    opts.config?.registry ||
    DEFAULT_REGISTRY;
  return normalizeRegistryUrl(url);
}

/**
 * The registry a bundle comes from. A scope mapped in skills.json `scopes` (first) or config
 * `scopes` always uses that registry, whatever `--registry` says, and never falls back
 * (docs/security.md row 11); other names use resolveRegistry. `byProject` is true when the project's
 * skills.json chose it (its `registry` or one of its `scopes`), not the user.
 * @example registryForBundle('@acme/x', { env: {}, project: { scopes: { '@acme': 'https://a' } } }) // { url: 'https://a', scoped: true, byProject: true }
 */
export function registryForBundle(
  name: string,
  opts: Parameters<typeof resolveRegistry>[0],
): { url: string; scoped: boolean; byProject: boolean } {
  const scope = parseBundleName(name)?.scope;
  if (scope) {
    const fromProject = opts.project?.scopes?.[`@${scope}`];
    const mapped = fromProject ?? opts.config?.scopes?.[`@${scope}`];
    if (mapped)
      return { url: normalizeRegistryUrl(mapped), scoped: true, byProject: fromProject !== undefined };
  }
  const byProject = !opts.flag && !opts.env.SKILLS_REGISTRY && opts.project?.registry !== undefined;
  return { url: resolveRegistry(opts), scoped: false, byProject };
}

/** Where a request for one bundle goes, with which token, and what to tell the user about it. */
export interface RegistryAccess {
  url: string;
  token: string | undefined;
  /** One line for stderr when SKILLS_TOKEN was held back from a registry the project chose. */
  notice: string | undefined;
}

/**
 * The registry for `name` (see registryForBundle) and the token bound to it. A token is bound
 * to the registry it was configured for: the one `skills login` stored for that URL, or
 * SKILLS_TOKEN for the registry the user chose (`--registry`, SKILLS_REGISTRY, config
 * `registry`, else the default: resolveRegistry without the project). So a registry named only
 * by a project's skills.json, or a scope's own registry, never receives SKILLS_TOKEN; when the
 * project chose it, `notice` says so. Throws USAGE for a malformed URL.
 * @example registryAccess('x', { env: { SKILLS_TOKEN: 't' }, project: { registry: 'http://evil' }, config }).token // undefined
 */
export function registryAccess(name: string, opts: Parameters<typeof resolveRegistry>[0]): RegistryAccess {
  const { url, byProject } = registryForBundle(name, opts);
  const stored = opts.config?.registries[url]?.token || undefined;
  const envToken = opts.env.SKILLS_TOKEN || undefined;
  if (!envToken || url !== resolveRegistry({ ...opts, project: undefined })) {
    const withheld = envToken !== undefined && stored === undefined && byProject;
    return { url, token: stored, notice: withheld ? withheldNotice(url) : undefined };
  }
  return { url, token: envToken, notice: undefined };
}

function withheldNotice(url: string): string {
  return (
    `skills: not sending SKILLS_TOKEN to ${url} (chosen by skills.json, not by you); ` +
    `set SKILLS_REGISTRY=${url} or run \`skills login --registry ${url}\` if you trust it\n`
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

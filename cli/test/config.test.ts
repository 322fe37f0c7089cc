import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REGISTRY,
  normalizeRegistryUrl,
  readConfig,
  registryAccess,
  registryForBundle,
  resolveRegistry,
  skillsPaths,
  updateConfig,
  writeConfig,
} from '../src/lib/config.ts';
import { SkillsError } from '../src/lib/errors.ts';
import { makeTempDir } from './helpers/fs.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function tempEnv() {
  const { dir, cleanup } = await makeTempDir('skills-config-');
  cleanups.push(cleanup);
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg-config'), XDG_CACHE_HOME: join(dir, 'xdg-cache') };
}

describe('paths', () => {
  it('follows XDG variables, falling back to HOME', () => {
    expect(skillsPaths({ HOME: '/h', XDG_CONFIG_HOME: '/c', XDG_CACHE_HOME: '/k' })).toEqual({
      configDir: '/c/skills',
      configFile: '/c/skills/config.json',
      cacheDir: '/k/skills',
    });
    expect(skillsPaths({ HOME: '/h' })).toEqual({
      configDir: '/h/.config/skills',
      configFile: '/h/.config/skills/config.json',
      cacheDir: '/h/.cache/skills',
    });
  });
});

describe('config file', () => {
  it('is written atomically with mode 0600 in a 0700 directory, and read back', async () => {
    const paths = skillsPaths(await tempEnv());
    expect(await readConfig(paths)).toEqual({ registries: {} });
    await writeConfig(paths, { registries: { 'http://r': { token: 'sk_secret_token_0123456789' } } });
    expect((await stat(paths.configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(paths.configDir)).mode & 0o777).toBe(0o700);
    await updateConfig(paths, (c) => ({ ...c, registry: 'http://other' }));
    expect(await readConfig(paths)).toEqual({
      registry: 'http://other',
      registries: { 'http://r': { token: 'sk_secret_token_0123456789' } },
    });
    expect((await stat(paths.configFile)).mode & 0o777).toBe(0o600);
  });

  it('refuses a broken file without echoing its content', async () => {
    const paths = skillsPaths(await tempEnv());
    await writeConfig(paths, { registries: {} });
    await writeFile(paths.configFile, '{"registries": {"x": {"token": "sk_leak_me_please_0123456"}');
    const err = await readConfig(paths).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SkillsError);
    expect((err as SkillsError).code).toBe('CONFIG_INVALID');
    expect((err as SkillsError).message).not.toContain('sk_leak');
  });
});

describe('registry resolution', () => {
  const config = {
    registry: 'http://from-config',
    registries: {},
    scopes: { '@corp': 'https://corp.example/' },
  };
  const project = { registry: 'http://from-project', scopes: { '@acme': 'https://acme.example' } };

  it('follows the documented order: flag, env, project, config, default', () => {
    const env = { SKILLS_REGISTRY: 'http://from-env' };
    expect(resolveRegistry({ flag: 'http://flag/', env, project, config })).toBe('http://flag');
    expect(resolveRegistry({ env, project, config })).toBe('http://from-env');
    expect(resolveRegistry({ env: {}, project, config })).toBe('http://from-project');
    expect(resolveRegistry({ env: {}, config })).toBe('http://from-config');
    expect(resolveRegistry({ env: {} })).toBe(DEFAULT_REGISTRY);
  });

  it('sends a mapped scope to its registry whatever the flag says, and never falls back', () => {
    const opts = { flag: 'http://flag', env: { SKILLS_REGISTRY: 'http://env' }, project, config };
    expect(registryForBundle('@acme/deploy', opts)).toEqual({
      url: 'https://acme.example',
      scoped: true,
      byProject: true,
    });
    expect(registryForBundle('@corp/deploy', opts)).toEqual({
      url: 'https://corp.example',
      scoped: true,
      byProject: false,
    });
    expect(registryForBundle('@other/deploy', opts)).toEqual({
      url: 'http://flag',
      scoped: false,
      byProject: false,
    });
    expect(registryForBundle('deploy', opts)).toEqual({
      url: 'http://flag',
      scoped: false,
      byProject: false,
    });
    expect(registryForBundle('deploy', { env: {}, project, config })).toEqual({
      url: 'http://from-project',
      scoped: false,
      byProject: true,
    });
  });

  it('normalises URLs and refuses credentials or other schemes', () => {
    expect(normalizeRegistryUrl('HTTP://Example.COM:80/reg//')).toBe('http://example.com/reg');
    expect(() => normalizeRegistryUrl('ftp://x')).toThrow(SkillsError);
    expect(() => normalizeRegistryUrl('https://u:p@x')).toThrow(/user or password/);
    expect(() => normalizeRegistryUrl('nope')).toThrow(SkillsError);
  });

  it('binds SKILLS_TOKEN to the registry the user chose, and a stored token to its own registry', () => {
    const config = {
      registries: { 'http://r': { token: 'stored' } },
      scopes: { '@corp': 'http://corp' },
    };
    const token = (name: string, o: { flag?: string; env?: Record<string, string>; registry?: string }) =>
      registryAccess(name, {
        flag: o.flag,
        env: { SKILLS_TOKEN: 'env', ...o.env },
        project: o.registry ? { registry: o.registry, scopes: { '@acme': o.registry } } : undefined,
        config,
      });
    // The registry the user chose (flag, SKILLS_REGISTRY, else the default) gets SKILLS_TOKEN.
    expect(token('x', { flag: 'http://r/' })).toEqual({ url: 'http://r', token: 'env', notice: undefined });
    expect(token('x', { env: { SKILLS_REGISTRY: 'http://r' } }).token).toBe('env');
    expect(token('x', {}).token).toBe('env');
    // One named only by the project gets nothing (or its own stored token), with a notice.
    const evil = token('x', { registry: 'http://evil' });
    expect(evil.token).toBeUndefined();
    expect(evil.notice).toBe(
      'skills: not sending SKILLS_TOKEN to http://evil (chosen by skills.json, not by you); set SKILLS_REGISTRY=http://evil or run `skills login --registry http://evil` if you trust it\n',
    );
    expect(token('@acme/x', { registry: 'http://evil' })).toMatchObject({
      token: undefined,
      url: 'http://evil',
    });
    expect(token('x', { registry: 'http://r' })).toEqual({
      url: 'http://r',
      token: 'stored',
      notice: undefined,
    });
    // ...unless the user chose that same registry too.
    expect(token('x', { registry: 'http://evil', env: { SKILLS_REGISTRY: 'http://evil' } }).token).toBe(
      'env',
    );
    // A scope's own registry in the user config: only the token stored for it, no notice.
    expect(token('@corp/x', {})).toEqual({ url: 'http://corp', token: undefined, notice: undefined });
    expect(registryAccess('x', { flag: 'http://r', env: {}, config }).token).toBe('stored');
  });
});

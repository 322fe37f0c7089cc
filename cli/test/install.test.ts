import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { integrityOf, packFiles } from '@skills/archive';
import type { BundleDocument, SearchResponse } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InstallDeps, runInstall } from '../src/lib/install/install.ts';
import type { InstallSource } from '../src/lib/install/source.ts';
import { withDependencies } from '../src/lib/project/project.ts';
import { versionedSkill } from './fixtures/bundles.ts';
import { versionDoc } from './helpers/documents.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';

/** runInstall with its dependencies passed in: an in-memory registry, a temp store, collected warnings. */
function fakeSource(
  versions: Record<string, string[]>,
  opts: { downloads?: Record<string, number>; search?: SearchResponse['results']; alter?: string } = {},
) {
  const tarballs = new Map<string, Buffer>();
  const packed = (name: string, version: string, marker = '') => {
    const files = [
      { path: 'skill.json', data: Buffer.from(JSON.stringify({ name, version })), executable: false },
      { path: 'SKILL.md', data: Buffer.from(versionedSkill(name, version, marker)), executable: false },
    ];
    return packFiles(files);
  };
  const source: InstallSource = {
    registryOf: () => 'http://fake',
    async getBundle(name) {
      const list = versions[name] ?? [];
      const docs = Object.fromEntries(
        list.map((v) => {
          const tgz = packed(name, v, opts.alter === `${name}@${v}` ? 'republished with other bytes\n' : '');
          const tarball = `http://fake/${name}-${v}.tgz`;
          tarballs.set(tarball, tgz);
          return [v, versionDoc(name, v, { integrity: integrityOf(tgz), tarball })];
        }),
      );
      const doc: BundleDocument = {
        name,
        description: name,
        keywords: [],
        distTags: { latest: list.at(-1)! },
        versions: docs,
        owners: ['x'],
        downloads: opts.downloads?.[name] ?? 0,
      };
      return doc;
    },
    fetchTarball: async (_name, url) => tarballs.get(url)!,
    verifySignature: async () => {},
    search: async () => ({ total: opts.search?.length ?? 0, results: opts.search ?? [] }),
  };
  return source;
}

describe('runInstall with injected dependencies', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let warnings: string[];
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-install-'));
    warnings = [];
  });
  afterEach(async () => cleanup());
  const project = () => join(dir, 'project');
  const deps = (source: InstallSource): InstallDeps => ({
    openSource: async () => source,
    storeDir: join(dir, 'store'),
    warn: (line) => warnings.push(line),
  });
  const add = (deps: Record<string, string>) => ({
    projectDir: project(),
    edit: (p: Parameters<typeof withDependencies>[0]) =>
      withDependencies(p, { ...p.manifest.dependencies, ...deps }),
  });

  it('warns when a new, little-used name is close to a popular one', async () => {
    const source = fakeSource(
      { 'deploy-vercle': ['1.0.0'] },
      {
        search: [
          {
            name: 'deploy-vercel',
            version: '3.0.0',
            description: '',
            keywords: [],
            downloads: 9000,
            score: 1,
          },
        ],
      },
    );
    const outcome = await runInstall(deps(source), add({ 'deploy-vercle': '^1.0.0' }));
    expect(outcome.warnings.map((w) => w.code)).toEqual(['LOOKALIKE_NAME']);
    expect(warnings[0]).toContain('deploy-vercle (0 downloads) looks like deploy-vercel (9000 downloads)');
  });

  it('refuses a locked version that the registry now offers with other bytes', async () => {
    await runInstall(deps(fakeSource({ a: ['1.0.0'] })), add({ a: '^1.0.0' }));
    const lock = await readFile(join(project(), 'skills-lock.json'), 'utf8');
    const republished = fakeSource({ a: ['1.0.0'] }, { alter: 'a@1.0.0' });
    await expect(
      runInstall(deps(republished), { projectDir: project(), unlock: 'all' }),
    ).rejects.toMatchObject({
      code: 'INTEGRITY_CHANGED',
    });
    expect(await readFile(join(project(), 'skills-lock.json'), 'utf8')).toBe(lock);
  });

  it('writes nothing when the review declines', async () => {
    const outcome = await runInstall(deps(fakeSource({ a: ['1.0.0'] })), {
      ...add({ a: '^1.0.0' }),
      review: async (plan) => {
        expect(plan.changes).toEqual([{ name: 'a', from: null, to: '1.0.0' }]);
        return false;
      },
    });
    expect(outcome.applied).toBe(false);
    expect(await readdir(project()).catch(() => [])).toEqual([]);
  });

  it('never replaces a skill folder the user made', async () => {
    await writeTree(project(), { '.agents/skills/a/SKILL.md': 'mine\n' });
    await expect(runInstall(deps(fakeSource({ a: ['1.0.0'] })), add({ a: '^1.0.0' }))).rejects.toMatchObject({
      code: 'SKILL_EXISTS',
    });
    expect(await readFile(join(project(), '.agents/skills/a/SKILL.md'), 'utf8')).toBe('mine\n');
    expect((await readdir(project())).sort()).toEqual(['.agents']);
    expect(await readdir(join(project(), '.agents'))).toEqual(['skills']);
  });

  it('writes no file in a project with nothing to install', async () => {
    const outcome = await runInstall(deps(fakeSource({})), { projectDir: project() });
    expect(outcome.plan.changes).toEqual([]);
    expect(await readdir(project()).catch(() => [])).toEqual([]);
  });
});

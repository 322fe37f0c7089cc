/**
 * `skills install` of 20 bundles with several builds of the CLI, interleaved, so a change is
 * measured against its base in one run on one machine state:
 *
 *   npx tsx bench/install-ab.ts --bins base=.bench/base/cli/dist/bin.cjs,new=cli/dist/bin.cjs [--runs 15]
 *
 * One registry (the built `registry/dist`) with 20 generated bundles. Each build fills its own
 * cache once, then per run, builds in turn (the order alternating by run): a warm install (that
 * cache, a fresh project) and a cold one (empty cache and project); each build keeps its own
 * compile cache (`SKILLS_COMPILE_CACHE`), warm in both, as after any earlier command. It prints each build's median
 * wall time and its mean CPU time (user + system of the CLI process, from this process's
 * children's times: 10 ms ticks, so only the mean over many runs means anything).
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { numberFlag } from './lib/args.ts';
import { generateBundles, skillTarball } from './lib/bundles.ts';
import { createPublisher, publishAllToOurs, startOurRegistry } from './lib/our-registry.ts';
import { makeRunDir, REPO_ROOT } from './lib/paths.ts';
import { timeCommand } from './lib/proc.ts';
import { fmtSec, median, printTable } from './lib/stats.ts';

const { values } = parseArgs({ options: { bins: { type: 'string' }, runs: { type: 'string' } } });
const RUNS = numberFlag(values, 'runs', 15);
const builds = (values.bins ?? `new=${join('cli', 'dist', 'bin.cjs')}`).split(',').map((item) => {
  const [label, path] = item.split('=');
  if (!label || !path) throw new Error(`--bins: "${item}" is not LABEL=PATH`);
  return { label, bin: isAbsolute(path) ? path : join(REPO_ROOT, path) };
});

/** CPU ms of this process's finished children (cutime + cstime of /proc/self/stat). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const run = await makeRunDir('install-ab');
let counter = 0;
const fresh = async (label: string) => {
  const dir = join(run.dir, `${label}-${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
};
const registry = await startOurRegistry({
  dataDir: join(run.dir, 'data'),
  logFile: join(run.dir, 'registry.log'),
});
try {
  const bundles = generateBundles(20, { dependEvery: 5 });
  const token = await createPublisher(registry.url);
  await publishAllToOurs(
    registry.url,
    token,
    bundles.map((b) => ({ name: b.name, tarball: skillTarball(b) })),
  );
  const install = async (bin: string, home: string, codeCache: string) => {
    const before = childrenCpuMs();
    const r = await timeCommand(
      process.execPath,
      [bin, 'install', ...bundles.map((b) => b.name), '--yes', '--registry', registry.url],
      {
        cwd: await fresh('project'),
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          LANG: 'C.UTF-8',
          NO_COLOR: '1',
          HOME: home,
          XDG_CACHE_HOME: join(home, 'cache'),
          XDG_CONFIG_HOME: join(home, 'config'),
          // one folder per build: a build's cache write removes other builds' caches of the command
          SKILLS_COMPILE_CACHE: codeCache,
        },
        timeoutMs: 120_000,
      },
    );
    return { ms: r.ms, cpu: childrenCpuMs() - before };
  };
  const codeCache = (label: string) => join(run.dir, `code-cache-${label}`);
  const warmHome: Record<string, string> = {};
  for (const b of builds) {
    warmHome[b.label] = await fresh('home');
    await install(b.bin, warmHome[b.label]!, codeCache(b.label)); // fills the cache and the code cache
  }
  const figures = Object.fromEntries(
    builds.map((b) => [
      b.label,
      { warm: [] as number[], warmCpu: [] as number[], cold: [] as number[], coldCpu: [] as number[] },
    ]),
  );
  console.error(`load average at start ${loadavg()[0]!.toFixed(2)}; ${RUNS} runs`);
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      const f = figures[b.label]!;
      const warm = await install(b.bin, warmHome[b.label]!, codeCache(b.label));
      f.warm.push(warm.ms);
      f.warmCpu.push(warm.cpu);
      const cold = await install(b.bin, await fresh('home'), codeCache(b.label));
      f.cold.push(cold.ms);
      f.coldCpu.push(cold.cpu);
    }
  }
  console.error(`load average at end ${loadavg()[0]!.toFixed(2)}`);
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  printTable([
    ['build', 'warm (median)', 'warm CPU (mean)', 'cold (median)', 'cold CPU (mean)'],
    ...builds.map((b) => {
      const f = figures[b.label]!;
      return [
        b.label,
        fmtSec(median(f.warm)),
        `${mean(f.warmCpu).toFixed(0)} ms`,
        fmtSec(median(f.cold)),
        `${mean(f.coldCpu).toFixed(0)} ms`,
      ];
    }),
  ]);
} finally {
  await registry.stop();
  await run.remove();
}

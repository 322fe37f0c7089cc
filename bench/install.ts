/**
 * Install benchmark (issue #4): `skills install` from our registry against `npm install` of the
 * same content from Verdaccio 6.8.0 and the `skills` CLI 1.5.18 (vercel-labs) from a local
 * folder, cold and warm, 20 and 100 bundles; one agent against five; `skills --version`.
 * Run by hand after a build:
 *
 *   npx turbo run build && npx tsx bench/install.ts [--runs 5]
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { numberFlag, parseBenchArgs } from './lib/args.ts';
import { type GeneratedBundle, generateBundles, skillTarball, writeSkillFolders } from './lib/bundles.ts';
import { INSTALL_FLAGS, OWN_BOOLEANS, OWN_STRINGS } from './lib/flags.ts';
import { machineLine, warnIfBusy } from './lib/machine.ts';
import { createPublisher, publishAllToOurs, startOurRegistry } from './lib/our-registry.ts';
import { CLI_BIN, makeRunDir, REGISTRY_BIN } from './lib/paths.ts';
import { type ServerProcess, type TimedRun, timeCommand } from './lib/proc.ts';
import { printRows, type Row, row, runInfo, writeRows } from './lib/rows.ts';
import { fmtMs, fmtRatio, fmtSec, median, printTable } from './lib/stats.ts';
import { ensureTool, SKILLS_CLI } from './lib/tools.ts';
import { createVerdaccioUser, publishToVerdaccio, startVerdaccio } from './lib/verdaccio.ts';

const flags = parseBenchArgs(
  [...INSTALL_FLAGS.strings, ...OWN_STRINGS],
  [...INSTALL_FLAGS.booleans, ...OWN_BOOLEANS],
);
if (flags.help) {
  console.log(`usage: npx tsx bench/install.ts [--runs N] [--version-runs N] [--sizes 20,100] [--no-peer] [--json FILE] [--keep]
  --runs N           repetitions of each install measurement, interleaved; the median is reported (default 5)
  --version-runs N   repetitions of each --version measurement (default 20)
  --sizes LIST       bundle counts to install (default 20,100; the targets are about 20)
  --no-peer          skip skills@1.5.18 (vercel-labs; "all agents" takes seconds a run)
  --json FILE        also write the rows, the commit and the load averages to FILE
  --keep             keep the run directory (projects, caches, server logs) and print where it is`);
  process.exit(0);
}
const RUNS = numberFlag(flags, 'runs', 5);
const VERSION_RUNS = numberFlag(flags, 'version-runs', 20);
const SIZES = (typeof flags.sizes === 'string' ? flags.sizes : '20,100').split(',').map(Number);
if (!SIZES.includes(20) || SIZES.some((n) => n !== 20 && n !== 100)) {
  console.error('--sizes: 20 and optionally 100 (the targets are about 20)');
  process.exit(2);
}
const PEER = flags['no-peer'] !== true;
const FIVE_AGENTS = 'claude,cursor,copilot,gemini,opencode';
/** Every 5th bundle depends on the one before it and on the first: a small graph to resolve. */
const DEPEND_EVERY = 5;

for (const bin of [REGISTRY_BIN, CLI_BIN]) {
  if (!existsSync(bin)) {
    console.error(`${bin} is missing: build first (npx turbo run build)`);
    process.exit(2);
  }
}

const info = runInfo('install');
const run = await makeRunDir('install');
const servers: ServerProcess[] = [];
let counter = 0;
/** A fresh, empty directory in the run dir. */
async function fresh(label: string): Promise<string> {
  const dir = join(run.dir, `${label}-${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The environment of one tool run: only PATH and the isolated homes/caches it is given. */
function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', NO_COLOR: '1', ...extra };
}

async function countDirs(dir: string): Promise<number> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).length;
  } catch {
    return 0;
  }
}

/**
 * Runs the measurements round-robin, `runs` times each (a, b, c, a, b, c, …), so a burst of load
 * from elsewhere lands on all of them, and returns each one's median wall time. A run that fails
 * or times out is reported and left out (NaN when all fail), so one stuck peer run cannot lose
 * the rest.
 */
async function interleaved(
  measures: Record<string, () => Promise<number>>,
  runs = RUNS,
): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [what, measureOnce] of Object.entries(measures)) {
      try {
        times[what]!.push(await measureOnce());
      } catch (e) {
        console.error(`  ${what}: run ${i + 1} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  const out: Record<string, number> = {};
  for (const [what, t] of Object.entries(times)) {
    out[what] = median(t);
    console.error(
      `  ${what}: median ${fmtSec(out[what]!)} of [${t.map((x) => (x / 1000).toFixed(3)).join(', ')}]`,
    );
  }
  return out;
}

function expectCount(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: expected ${want} installed, found ${got}`);
}

try {
  console.error(`run dir: ${run.dir}`);
  warnIfBusy();
  const machineAtStart = machineLine();
  const all = generateBundles(Math.max(...SIZES), { dependEvery: DEPEND_EVERY });
  const sets: Record<number, GeneratedBundle[]> = { 20: all.slice(0, 20), 100: all };

  // --- Servers and content.
  const ours = await startOurRegistry({
    dataDir: join(run.dir, 'ours-data'),
    logFile: join(run.dir, 'ours.log'),
  });
  servers.push(ours);
  // The default publish limit is 60 per user in a burst: two publishers share the 100 bundles.
  for (let k = 0; k < all.length; k += 50) {
    const token = await createPublisher(ours.url, `bench${k}`);
    await publishAllToOurs(
      ours.url,
      token,
      all.slice(k, k + 50).map((b) => ({ name: b.name, tarball: skillTarball(b) })),
    );
  }
  const verdaccio = await startVerdaccio({
    dir: join(run.dir, 'verdaccio'),
    logFile: join(run.dir, 'verdaccio.log'),
  });
  servers.push(verdaccio);
  const vToken = await createVerdaccioUser(verdaccio.url);
  for (const b of all) await publishToVerdaccio(verdaccio.url, vToken, b);
  const peerBin = PEER ? join(await ensureTool(SKILLS_CLI), 'bin', 'cli.mjs') : '';
  const sources: Record<number, string> = {};
  for (const n of SIZES) {
    sources[n] = join(run.dir, `skills-src-${n}`);
    await writeSkillFolders(sources[n], sets[n]!);
  }
  const npmrc = join(run.dir, 'empty-npmrc');
  await writeFile(npmrc, '');

  // --- One run of each tool.
  const oursInstall = async (
    n: number,
    opts: { xdg?: string; agents?: string },
  ): Promise<{ run: TimedRun; project: string; xdg: string }> => {
    const xdg = opts.xdg ?? (await fresh('xdg'));
    const project = await fresh('project-ours');
    const args = [CLI_BIN, 'install', ...sets[n]!.map((b) => b.name), '--yes', '--registry', ours.url];
    if (opts.agents) args.push('--agent', opts.agents);
    const r = await timeCommand(process.execPath, args, {
      cwd: project,
      env: isolatedEnv({
        HOME: xdg,
        XDG_CACHE_HOME: join(xdg, 'cache'),
        XDG_CONFIG_HOME: join(xdg, 'config'),
      }),
      timeoutMs: 120_000,
    });
    expectCount(`ours ${n}`, await countDirs(join(project, '.agents', 'skills')), n);
    if (opts.agents?.includes('claude'))
      expectCount(`ours ${n} claude`, await countDirs(join(project, '.claude', 'skills')), n);
    return { run: r, project, xdg };
  };
  const npmInstall = async (n: number, cache?: string): Promise<{ run: TimedRun; cache: string }> => {
    const npmCache = cache ?? (await fresh('npm-cache'));
    const project = await fresh('project-npm');
    await writeFile(
      join(project, 'package.json'),
      '{ "name": "bench-project", "version": "1.0.0", "private": true }\n',
    );
    const r = await timeCommand(
      'npm',
      [
        'install',
        ...sets[n]!.map((b) => b.name),
        '--registry',
        `${verdaccio.url}/`,
        '--cache',
        npmCache,
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-update-notifier',
        '--loglevel',
        'error',
      ],
      {
        cwd: project,
        env: isolatedEnv({ HOME: project, npm_config_userconfig: npmrc }),
        timeoutMs: 180_000,
      },
    );
    expectCount(`npm ${n}`, await countDirs(join(project, 'node_modules')), n);
    return { run: r, cache: npmCache };
  };
  const peerInstall = async (n: number, agent: string): Promise<TimedRun> => {
    const project = await fresh('project-peer');
    const home = await fresh('home-peer');
    const r = await timeCommand(
      process.execPath,
      [peerBin, 'add', sources[n]!, '--yes', '--skill', '*', '--agent', agent],
      {
        cwd: project,
        env: isolatedEnv({ HOME: home, DISABLE_TELEMETRY: '1', DO_NOT_TRACK: '1' }),
        timeoutMs: 300_000,
      },
    );
    const installed =
      (await countDirs(join(project, '.claude', 'skills'))) ||
      (await countDirs(join(project, '.agents', 'skills')));
    expectCount(`skills@1.5.18 ${n} ${agent}`, installed, n);
    return r;
  };

  // Warm caches, filled once by a throwaway install each.
  const warmXdg: Record<number, string> = {};
  const warmNpm: Record<number, string> = {};
  for (const n of SIZES) {
    warmXdg[n] = (await oursInstall(n, {})).xdg;
    warmNpm[n] = (await npmInstall(n)).cache;
  }

  const results: Record<string, number> = {};
  for (const n of SIZES) {
    console.error(`${n} bundles, ${RUNS} interleaved runs each`);
    Object.assign(
      results,
      await interleaved({
        [`ours cold ${n}`]: async () => (await oursInstall(n, {})).run.ms,
        [`npm cold ${n}`]: async () => (await npmInstall(n)).run.ms,
        [`ours warm ${n}`]: async () => (await oursInstall(n, { xdg: warmXdg[n]! })).run.ms,
        [`npm warm ${n}`]: async () => (await npmInstall(n, warmNpm[n]!)).run.ms,
        ...(PEER ? { [`peer one ${n}`]: async () => (await peerInstall(n, 'claude-code')).ms } : {}),
      }),
    );
    // Slow (seconds per run) and steady: three runs are enough.
    if (PEER)
      Object.assign(
        results,
        await interleaved(
          { [`peer all ${n}`]: async () => (await peerInstall(n, '*')).ms },
          Math.min(RUNS, 3),
        ),
      );
  }
  console.error('agents: 20 bundles, one (claude) vs five');
  Object.assign(
    results,
    await interleaved({
      'ours one cold': async () => (await oursInstall(20, { agents: 'claude' })).run.ms,
      'ours five cold': async () => (await oursInstall(20, { agents: FIVE_AGENTS })).run.ms,
      'ours one warm': async () => (await oursInstall(20, { xdg: warmXdg[20]!, agents: 'claude' })).run.ms,
      'ours five warm': async () =>
        (await oursInstall(20, { xdg: warmXdg[20]!, agents: FIVE_AGENTS })).run.ms,
    }),
  );
  for (const s of servers) await s.stop();
  servers.length = 0;

  // --- Startup: `--version`, median of VERSION_RUNS, against a bare `node -e 0`.
  const versionOf = async (what: string, args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < VERSION_RUNS; i++)
      times.push((await timeCommand(process.execPath, args, { env: isolatedEnv({ HOME: run.dir }) })).ms);
    const m = median(times);
    console.error(`  ${what}: median ${fmtMs(m)}`);
    return m;
  };
  const nodeBare = await versionOf('node -e 0', ['-e', '0']);
  const oursVersion = await versionOf('skills --version (ours)', [CLI_BIN, '--version']);
  const peerVersion = PEER ? await versionOf('skills@1.5.18 --version', [peerBin, '--version']) : Number.NaN;

  // --- Report.
  const r = (k: string) => results[k] ?? Number.NaN;
  console.log('');
  console.log(
    `Install benchmark, ${info.startedAt}, commit ${info.commit}, Node ${process.version}, median of ${RUNS} interleaved runs`,
  );
  console.log(`machine at start: ${machineAtStart}`);
  console.log(`machine at end:   ${machineLine()}`);
  console.log('');
  printTable([
    ['install', 'ours', 'npm ← Verdaccio', 'npm/ours', 'skills@1.5.18 one agent', 'all agents'],
    ...SIZES.flatMap((n) => [
      [
        `${n} bundles cold`,
        fmtSec(r(`ours cold ${n}`)),
        fmtSec(r(`npm cold ${n}`)),
        fmtRatio(r(`npm cold ${n}`) / r(`ours cold ${n}`)),
        fmtSec(r(`peer one ${n}`)),
        fmtSec(r(`peer all ${n}`)),
      ],
      [
        `${n} bundles warm`,
        fmtSec(r(`ours warm ${n}`)),
        fmtSec(r(`npm warm ${n}`)),
        fmtRatio(r(`npm warm ${n}`) / r(`ours warm ${n}`)),
        '',
        '',
      ],
    ]),
  ]);
  console.log(
    '(skills@1.5.18 copies from a local folder: no registry, no cache, so cold and warm are alike; "all agents" is the median of at most 3 runs.)',
  );
  console.log('');
  printTable([
    ['20 bundles, agents', 'one (claude)', `five (${FIVE_AGENTS})`, 'five/one'],
    [
      'ours cold',
      fmtSec(r('ours one cold')),
      fmtSec(r('ours five cold')),
      fmtRatio(r('ours five cold') / r('ours one cold')),
    ],
    [
      'ours warm',
      fmtSec(r('ours one warm')),
      fmtSec(r('ours five warm')),
      fmtRatio(r('ours five warm') / r('ours one warm')),
    ],
    [
      'skills@1.5.18 (claude-code / all)',
      fmtSec(r('peer one 20')),
      fmtSec(r('peer all 20')),
      fmtRatio(r('peer all 20') / r('peer one 20')),
    ],
  ]);
  console.log('');
  printTable([
    ['startup', `median of ${VERSION_RUNS}`],
    ['node -e 0 (floor)', fmtMs(nodeBare)],
    ['skills --version (ours)', fmtMs(oursVersion)],
    ['skills@1.5.18 --version', fmtMs(peerVersion)],
  ]);

  const cold = r('ours cold 20');
  const npmCold = r('npm cold 20');
  const warm = r('ours warm 20');
  const fiveCold = r('ours five cold') / r('ours one cold');
  const fiveWarm = r('ours five warm') / r('ours one warm');
  const rows: Row[] = [
    row({
      row: 'install 20 bundles, cold',
      figure: fmtSec(cold),
      peer: `npm ← Verdaccio ${fmtSec(npmCold)}`,
      ratio: fmtRatio(npmCold / cold),
      goal: '≤ 0.3 s and ≥ 3× npm+Verdaccio',
      pass: cold <= 300 && npmCold / cold >= 3,
    }),
    row({
      row: 'install 20 bundles, warm',
      figure: fmtSec(warm),
      peer: `npm ← Verdaccio ${fmtSec(r('npm warm 20'))}`,
      ratio: fmtRatio(r('npm warm 20') / warm),
      goal: '≤ 0.15 s',
      pass: warm <= 150,
    }),
    row({
      row: '5 agents vs 1, cold',
      figure: fmtSec(r('ours five cold')),
      peer: `one agent ${fmtSec(r('ours one cold'))}`,
      ratio: fmtRatio(fiveCold),
      goal: '≤ 1.2×',
      pass: fiveCold <= 1.2,
    }),
    row({
      row: '5 agents vs 1, warm',
      figure: fmtSec(r('ours five warm')),
      peer: `one agent ${fmtSec(r('ours one warm'))}`,
      ratio: fmtRatio(fiveWarm),
      goal: '≤ 1.2×',
      pass: fiveWarm <= 1.2,
    }),
    row({
      row: 'CLI startup (skills --version)',
      figure: fmtMs(oursVersion),
      peer: `node -e 0: ${fmtMs(nodeBare)}`,
      ratio: fmtRatio(oursVersion / nodeBare),
      goal: '≤ 100 ms',
      pass: oursVersion <= 100,
    }),
  ];
  printRows('Targets', rows);
  await writeRows(typeof flags.json === 'string' ? flags.json : undefined, info, rows);
} finally {
  for (const s of servers) await s.stop();
  if (flags.keep) console.error(`kept ${run.dir}`);
  else await run.remove();
}

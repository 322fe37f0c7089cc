/**
 * Every benchmark of issue #11, one after the other, then one table of every target row:
 *
 *   npx turbo run build && npx tsx bench/all.ts [flags of registry.ts and install.ts]
 *   (or `npm run bench -- …`)
 *
 * Runs `registry.ts` and `install.ts` as child processes (their full reports go to stdout as they
 * finish), each writing its rows with `--json`; prints the commit, the load average at start and
 * end, and a warning when the machine was not quiet (load ≥ 2).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { INSTALL_FLAGS, REGISTRY_FLAGS } from './lib/flags.ts';
import { load1, machineLine, QUIET_LOAD } from './lib/machine.ts';
import { makeRunDir, REPO_ROOT } from './lib/paths.ts';
import { printRows, type Row, type RowsFile, runInfo } from './lib/rows.ts';

/** Which script takes which flag (a flag both take goes to both): each script's own list. */
const [REG_S, REG_B] = [REGISTRY_FLAGS.strings, REGISTRY_FLAGS.booleans];
const [INS_S, INS_B] = [INSTALL_FLAGS.strings, INSTALL_FLAGS.booleans];

const options: Record<string, { type: 'string' | 'boolean' }> = {
  help: { type: 'boolean' },
  'skip-install': { type: 'boolean' },
  'skip-registry': { type: 'boolean' },
};
for (const f of [...REG_S, ...INS_S]) options[f] = { type: 'string' };
for (const f of [...REG_B, ...INS_B]) options[f] = { type: 'boolean' };
const { values } = parseArgs({ options, strict: true, allowPositionals: false });
if (values.help) {
  console.log(`usage: npx tsx bench/all.ts [--skip-registry] [--skip-install]
         registry.ts: ${REG_S.map((f) => `--${f} X`).join(' ')} ${REG_B.map((f) => `--${f}`).join(' ')}
         install.ts:  ${INS_S.map((f) => `--${f} X`).join(' ')} ${INS_B.map((f) => `--${f}`).join(' ')}
  Smoke run (minutes, figures meaningless): --duration 2 --rounds 1 --repeat 1 --warmup 1 --publishes 50
    --search-bundles 2000 --search-kind-duration 1 --runs 1 --version-runs 3 --sizes 20 --no-peer`);
  process.exit(0);
}

function forward(strings: readonly string[], booleans: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of strings) if (typeof values[f] === 'string') out.push(`--${f}`, values[f] as string);
  for (const f of booleans) if (values[f] === true) out.push(`--${f}`);
  return out;
}

/** Runs `bench/SCRIPT.ts` with `--json FILE`, its output passed through; resolves with its rows. */
async function runScript(script: string, args: string[], jsonFile: string): Promise<RowsFile> {
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'bench', `${script}.ts`), ...args, '--json', jsonFile],
      { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`bench/${script}.ts exited ${code}`);
  return JSON.parse(await readFile(jsonFile, 'utf8')) as RowsFile;
}

const info = runInfo('all');
const machineAtStart = machineLine();
if (info.loadAtStart >= QUIET_LOAD)
  console.error(
    `warning: load average ${info.loadAtStart.toFixed(2)} ≥ ${QUIET_LOAD}: the machine is not quiet`,
  );
const dir = await makeRunDir('all');
const files: RowsFile[] = [];
const failures: string[] = [];
try {
  if (!values['skip-registry']) {
    try {
      files.push(await runScript('registry', forward(REG_S, REG_B), join(dir.dir, 'registry.json')));
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  if (!values['skip-install']) {
    try {
      files.push(await runScript('install', forward(INS_S, INS_B), join(dir.dir, 'install.json')));
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
} finally {
  await dir.remove();
}

const loadAtEnd = load1();
const rows: Row[] = files.flatMap((f) => f.rows);
console.log('');
console.log('='.repeat(100));
console.log(`All benchmarks, ${info.startedAt}, commit ${info.commit}, Node ${process.version}`);
console.log(`machine at start: ${machineAtStart}`);
console.log(`machine at end:   ${machineLine()}`);
for (const f of files)
  console.log(
    `  ${f.script}.ts: load ${f.loadAtStart.toFixed(2)} → ${f.loadAtEnd.toFixed(2)}, commit ${f.commit}`,
  );
if (
  Math.max(info.loadAtStart, loadAtEnd, ...files.flatMap((f) => [f.loadAtStart, f.loadAtEnd])) >= QUIET_LOAD
) {
  console.log(
    `WARNING: the load average reached ${QUIET_LOAD} or more during the run: other processes shared the cores; treat the figures as noisy and run again on a quiet machine.`,
  );
}
printRows('Every target', rows);
const passed = rows.filter((r) => r.pass === true).length;
const failed = rows.filter((r) => r.pass === false).length;
const na = rows.filter((r) => r.pass === null).length;
console.log('');
console.log(`${passed} PASS, ${failed} FAIL${na ? `, ${na} not measured` : ''}`);
for (const f of failures) console.log(`ERROR: ${f}`);
process.exitCode = failures.length ? 1 : 0;

/**
 * CPU profile of one scenario, to find where time goes when a benchmark misses its target:
 *
 *   npx tsx bench/profile.ts doc|304|tarball|search [--duration 10]   (the registry under load)
 *   npx tsx bench/profile.ts publish [--runs 300]                    (sequential publishes, limits off)
 *   npx tsx bench/profile.ts install-cold|install-warm [--runs 5]     (`skills install` of 20 bundles)
 *
 * Runs the built code under `node --cpu-prof` and prints self time by origin and by function.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { numberFlag } from './lib/args.ts';
import { generateBundles, skillTarball } from './lib/bundles.ts';
import { printHotSpots, summarizeProfiles } from './lib/cpu-profile.ts';
import { createPublisher, publishAllToOurs, startOurRegistry } from './lib/our-registry.ts';
import { CLI_BIN, makeRunDir } from './lib/paths.ts';
import { timeCommand } from './lib/proc.ts';
import { failureText, fmtUs, runWrk, type WrkRequest } from './lib/wrk.ts';

const { values, positionals } = parseArgs({
  options: { duration: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' } },
  allowPositionals: true,
});
const scenario = positionals[0] ?? '';
const SCENARIOS = ['doc', '304', 'tarball', 'search', 'publish', 'install-cold', 'install-warm'];
if (!SCENARIOS.includes(scenario)) {
  console.error(`usage: npx tsx bench/profile.ts ${SCENARIOS.join('|')} [--duration S] [--runs N] [--keep]`);
  process.exit(2);
}
const DURATION = numberFlag(values, 'duration', 10);
const RUNS = numberFlag(values, 'runs', 5);

const run = await makeRunDir('profile');
const profDir = join(run.dir, 'profiles');
await mkdir(profDir);
const serverProfiled = !scenario.startsWith('install');
const ours = await startOurRegistry({
  dataDir: join(run.dir, 'data'),
  logFile: join(run.dir, 'ours.log'),
  ...(serverProfiled ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {}),
  ...(scenario === 'publish' ? { noRateLimits: true } : {}),
  ...(scenario === 'search' ? { searchLimit: 9_999_999 } : {}),
});
try {
  const bundles = generateBundles(20, { dependEvery: 5 });
  const names = bundles.map((b) => b.name);
  const token = await createPublisher(ours.url);
  await publishAllToOurs(
    ours.url,
    token,
    bundles.map((b) => ({ name: b.name, tarball: skillTarball(b) })),
  );
  if (scenario === 'publish') {
    const count = numberFlag(values, 'runs', 300);
    const tarballs = Array.from({ length: count }, (_, i) => {
      const b = bundles[i % bundles.length]!;
      return { name: b.name, tarball: skillTarball(b, `1.0.${1 + Math.floor(i / bundles.length)}`) };
    });
    const start = performance.now();
    await publishAllToOurs(ours.url, token, tarballs);
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `publish: ${count} in ${seconds.toFixed(2)} s, ${(count / seconds).toFixed(1)}/s (under the profiler)`,
    );
    await ours.stop();
    printHotSpots('registry, sequential publishes', await summarizeProfiles(profDir));
  } else if (serverProfiled) {
    let requests: WrkRequest[] = names.map((n) => ({ path: `/v1/bundles/${n}` }));
    if (scenario === '304') {
      requests = [];
      for (const n of names) {
        const res = await fetch(`${ours.url}/v1/bundles/${n}`);
        await res.arrayBuffer();
        requests.push({
          path: `/v1/bundles/${n}`,
          headers: { 'if-none-match': res.headers.get('etag') ?? '' },
        });
      }
    } else if (scenario === 'tarball') {
      requests = names.map((n) => ({ path: `/v1/bundles/${n}/-/${n}-1.0.0.tgz` }));
    } else if (scenario === 'search') {
      requests = names.map((n) => ({ path: `/v1/search?q=${n.split('-')[1]}` }));
    }
    const r = await runWrk({ url: ours.url, requests, connections: 32, durationSec: DURATION });
    console.log(
      `${scenario}: ${r.rps.toFixed(0)} req/s, p50 ${fmtUs(r.latency.p50)}, p99 ${fmtUs(r.latency.p99)} (under the profiler)${failureText(r) ? `, ${failureText(r)}` : ''}`,
    );
    await ours.stop();
    printHotSpots(`registry, ${scenario}`, await summarizeProfiles(profDir));
  } else {
    const xdg = join(run.dir, 'xdg');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: xdg,
      XDG_CACHE_HOME: join(xdg, 'cache'),
      XDG_CONFIG_HOME: join(xdg, 'config'),
    };
    const install = async (profile: boolean, i: number) => {
      const project = join(run.dir, `project-${i}`);
      await mkdir(project, { recursive: true });
      const args = [
        ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
        CLI_BIN,
        'install',
        ...names,
        '--yes',
        '--registry',
        ours.url,
      ];
      return timeCommand(process.execPath, args, {
        cwd: project,
        env: {
          ...env,
          ...(scenario === 'install-cold'
            ? { XDG_CACHE_HOME: join(project, 'cache'), XDG_CONFIG_HOME: join(project, 'config') }
            : {}),
        },
      });
    };
    if (scenario === 'install-warm') await install(false, 0);
    const times: number[] = [];
    for (let i = 1; i <= RUNS; i++) times.push((await install(true, i)).ms);
    console.log(`${scenario}: ${times.map((t) => t.toFixed(0)).join(', ')} ms (under the profiler)`);
    await ours.stop();
    printHotSpots(`skills install, ${scenario}, ${RUNS} runs`, await summarizeProfiles(profDir));
  }
} finally {
  await ours.stop();
  if (values.keep) console.error(`kept ${run.dir}`);
  else await run.remove();
}

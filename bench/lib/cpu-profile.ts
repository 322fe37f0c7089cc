import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  ms: number;
  share: number;
}

/** Where a script URL comes from: a package name, a workspace file, or a Node internal. */
function origin(url: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}

/** Self time by function and by origin, from the `.cpuprofile` files `node --cpu-prof` wrote into `dir`. */
export async function summarizeProfiles(
  dir: string,
  top = 15,
): Promise<{ functions: HotSpot[]; origins: HotSpot[]; totalMs: number }> {
  const byFn = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const ms = (p.timeDeltas[i] ?? 0) / 1000;
      const n = nodes.get(id);
      if (!n) return;
      const { functionName, url, lineNumber } = n.callFrame;
      if (functionName === '(idle)') return;
      total += ms;
      const where = url ? `${origin(url)}:${lineNumber + 1}` : '';
      const fn = `${functionName || '(anonymous)'} ${where}`.trim();
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
      const o = functionName.startsWith('(') ? functionName : origin(url);
      byOrigin.set(o, (byOrigin.get(o) ?? 0) + ms);
    });
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: total ? ms / total : 0 }));
  return { functions: rank(byFn), origins: rank(byOrigin), totalMs: total };
}

export function printHotSpots(
  title: string,
  s: { functions: HotSpot[]; origins: HotSpot[]; totalMs: number },
): void {
  console.log(`\n${title}: ${s.totalMs.toFixed(0)} ms of CPU sampled (idle excluded)`);
  console.log('  self time by origin:');
  for (const h of s.origins) console.log(`    ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.name}`);
  console.log('  self time by function:');
  for (const h of s.functions) console.log(`    ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.name}`);
}

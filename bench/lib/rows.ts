import { writeFile } from 'node:fs/promises';
import { gitCommit, load1 } from './machine.ts';
import { printTable } from './stats.ts';

/**
 * One line of the targets table (issue #11): a figure, the peer or floor measured in the same
 * run, their ratio, the goal and the verdict. `pass` is null when the row could not be measured
 * (a missing dependency, say); `flag` says why a figure is not to be trusted (errors, 429s, …)
 * and always makes the row fail.
 */
export interface Row {
  row: string;
  /** `shared` / `pinned` for the rows measured in both core layouts; '' otherwise. */
  layout: string;
  figure: string;
  peer: string;
  ratio: string;
  goal: string;
  pass: boolean | null;
  flag?: string;
}

export function row(r: Omit<Row, 'layout' | 'flag'> & { layout?: string; flag?: string | undefined }): Row {
  const flag = r.flag || undefined;
  return { ...r, layout: r.layout ?? '', pass: flag ? false : r.pass, ...(flag ? { flag } : {}) };
}

export function verdictText(r: Row): string {
  return r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL';
}

export function printRows(title: string, rows: readonly Row[]): void {
  console.log('');
  console.log(title);
  printTable(
    [
      ['row', 'layout', 'figure', 'peer / floor (same run)', 'ratio', 'goal', 'verdict'],
      ...rows.map((r) => [
        r.row,
        r.layout,
        r.figure,
        r.peer,
        r.ratio,
        r.goal,
        `${verdictText(r)}${r.flag ? ` (${r.flag})` : ''}`,
      ]),
    ],
    2,
  );
}

/** What a run writes with `--json FILE`: its rows and where and when they were measured. */
export interface RowsFile {
  script: string;
  commit: string;
  startedAt: string;
  loadAtStart: number;
  loadAtEnd: number;
  rows: Row[];
}

export function runInfo(script: string): {
  script: string;
  commit: string;
  startedAt: string;
  loadAtStart: number;
} {
  return { script, commit: gitCommit(), startedAt: new Date().toISOString(), loadAtStart: load1() };
}

export async function writeRows(
  file: string | undefined,
  info: ReturnType<typeof runInfo>,
  rows: readonly Row[],
): Promise<void> {
  if (!file) return;
  const out: RowsFile = { ...info, loadAtEnd: load1(), rows: [...rows] };
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
}

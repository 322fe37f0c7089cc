import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pipeline } from '@skills/schemas';
import { RuntimeError } from './errors.ts';
import type { StepResult } from './pipeline-plan.ts';
import type { ModelApi, TranscriptEntry, Usage } from './types.ts';

/** Where runs are kept, inside the project. */
export const RUNS_DIR = join('.agents', 'runs');

/** One try of a step: a run, or a run again after a reviewer rejected the last one. */
export interface StepAttempt {
  attempt: number;
  startedAt: string;
  endedAt?: string;
  status: StepResult['status'] | 'running';
  summary: string;
  outputs: Record<string, string>;
  usage?: Usage;
  /** The reviewer's comment this attempt was given (a rejection of the one before). */
  comment?: string;
  /** What the reviewer decided about this attempt. */
  review?: 'approved' | 'rejected';
}

/** A step in run.json: its current state and every attempt, oldest first. */
export interface StepRecord {
  status: StepResult['status'] | 'pending' | 'running' | 'review';
  summary: string;
  outputs: Record<string, string>;
  usage?: Usage;
  attempts: StepAttempt[];
}

/** `run.json`: everything needed to read a run back, and to resume it. */
export interface RunRecord {
  runVersion: 1;
  id: string;
  pipeline: {
    name: string;
    /** The file it was read from, when it was read from one. */
    file?: string;
    /** Where the file comes from: `project`, `BUNDLE@VERSION`, or a skill folder. */
    source?: string;
    /** The pipeline as validated at the start: a resume runs exactly this. */
    definition: Pipeline;
  };
  inputs: Record<string, string>;
  model: string;
  api: ModelApi;
  /** The endpoint, without user, password or query (publicUrl). */
  baseURL?: string;
  startedAt: string;
  endedAt?: string;
  status: 'running' | 'review' | 'success' | 'failed';
  steps: Record<string, StepRecord>;
  /** What happened to the run as a whole, in order: started, resumed, approved, rejected, stopped, finished. */
  history: { at: string; event: string; step?: string; comment?: string }[];
}

/** A run id: sortable by start time, then unique. `20260130-101500-ship-3f9a`. */
export function newRunId(pipeline: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${pipeline}-${randomBytes(2).toString('hex')}`;
}

const ID = /^[0-9]{8}-[0-9]{6}-[a-z][a-z0-9_-]*-[0-9a-f]{4}$/;

/** The folder of a run; throws RUN_NOT_FOUND for an id that is not one (never a path). */
export function runDir(cwd: string, id: string): string {
  if (!ID.test(id))
    throw new RuntimeError('RUN_NOT_FOUND', `"${id}" is not a run id`, { hint: 'see `skills runs`' });
  return join(cwd, RUNS_DIR, id);
}

/**
 * Writes a run's files: run.json replaced whole (temp file + rename, so a reader never sees half
 * of it), transcripts appended a line at a time. Every byte passes through `redact` first.
 */
export class RunWriter {
  readonly dir: string;
  private readonly redact: (text: string) => string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(cwd: string, id: string, redact: (text: string) => string) {
    this.dir = runDir(cwd, id);
    this.redact = redact;
  }

  async create(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Saves run.json (writes are serialized, so the last state wins). */
  save(record: RunRecord): Promise<void> {
    const text = `${this.redact(JSON.stringify(record, null, 2))}\n`;
    const tmp = join(this.dir, `.run.json.${process.pid}.tmp`);
    return this.queue(async () => {
      await writeFile(tmp, text);
      await rename(tmp, join(this.dir, 'run.json'));
    });
  }

  /** Appends one entry to `<step>.jsonl`, serialized now (bodies are mutated after sending). */
  append(step: string, entry: TranscriptEntry & { at: string; attempt: number }): Promise<void> {
    const line = `${this.redact(JSON.stringify(entry))}\n`;
    return this.queue(() => appendFile(join(this.dir, `${step}.jsonl`), line));
  }

  /** Resolves once every write queued so far is done; rejects with the first failure. */
  flush(): Promise<void> {
    return this.queue(async () => {});
  }

  private queue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => {});
    return next;
  }
}

/**
 * Reads a run's run.json. Throws RuntimeError RUN_NOT_FOUND when there is no such run.
 * @example const run = await readRun(cwd, '20260130-101500-ship-3f9a')
 */
export async function readRun(cwd: string, id: string): Promise<RunRecord> {
  const dir = runDir(cwd, id);
  let text: string;
  try {
    text = await readFile(join(dir, 'run.json'), 'utf8');
  } catch {
    throw new RuntimeError('RUN_NOT_FOUND', `there is no run "${id}"`, { hint: 'see `skills runs`' });
  }
  const record = JSON.parse(text) as RunRecord;
  if (record.runVersion !== 1) throw new RuntimeError('RUN_NOT_FOUND', `run "${id}" has an unknown format`);
  return record;
}

/**
 * The entries of a step's transcript, in order; empty when the step never ran.
 * @example for (const e of await readTranscript(cwd, id, 'ui')) console.log(e.type)
 */
export async function readTranscript(
  cwd: string,
  id: string,
  step: string,
): Promise<(TranscriptEntry & { at: string; attempt: number })[]> {
  if (!/^[a-z][a-z0-9_-]*$/.test(step)) return [];
  const text = await readFile(join(runDir(cwd, id), `${step}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/**
 * The runs of a project, newest first; a folder without a readable run.json is left out.
 * @example (await listRuns(cwd))[0]?.id
 */
export async function listRuns(cwd: string): Promise<RunRecord[]> {
  const names = await readdir(join(cwd, RUNS_DIR)).catch(() => [] as string[]);
  const runs = await Promise.all(
    names.filter((n) => ID.test(n)).map((n) => readRun(cwd, n).catch(() => undefined)),
  );
  return runs
    .filter((r): r is RunRecord => r !== undefined)
    .sort((a, b) =>
      a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1,
    );
}

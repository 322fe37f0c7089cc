import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/main.ts';
import type { CliRun } from './run-cli.ts';
import { cliHome } from './run-cli.ts';

/**
 * Calls `main()` in-process with fake streams: faster than spawning, same behaviour. Uses the
 * same isolated home per cwd as runCli; stdin is not a TTY unless `tty` is set.
 * @example const { code, stdout } = await runMain(['validate', '--json'], { cwd: dir })
 */
export async function runMain(
  argv: string[],
  opts: {
    cwd: string;
    env?: Record<string, string | undefined>;
    input?: string;
    tty?: boolean;
    /** stderr claims to be a terminal (progress lines are written only then). */
    stderrTty?: boolean;
    /** The clock main() gets (cache freshness). */
    now?: () => number;
  },
): Promise<CliRun> {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (opts.tty) stdin.isTTY = true;
  stdin.end(opts.input ?? '');
  const out = collector();
  const err = collector();
  if (opts.stderrTty) (err.stream as Writable & { isTTY?: boolean }).isTTY = true;
  const code = await main({
    argv,
    cwd: opts.cwd,
    env: { NO_COLOR: '1', ...cliHome(opts.cwd), ...opts.env },
    stdin,
    stdout: out.stream,
    stderr: err.stream,
    version: '0.0.0-test',
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

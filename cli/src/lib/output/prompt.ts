import { type Readable, Writable } from 'node:stream';
import { SkillsError } from '../errors.ts';

/**
 * Asks one question on `output` (stderr) and reads the answer from `input`. With `hidden`, what
 * is typed is not echoed (passwords).
 * @example const password = await askQuestion(stdin, stderr, 'Password: ', { hidden: true })
 */
export async function askQuestion(
  input: Readable,
  output: Writable,
  question: string,
  opts: { hidden?: boolean } = {},
): Promise<string> {
  const muted = new Writable({
    write: (_chunk, _enc, cb) => cb(),
  });
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input, output: opts.hidden ? muted : output, terminal: true });
  try {
    if (opts.hidden) output.write(question);
    const answer = await rl.question(opts.hidden ? '' : question);
    if (opts.hidden) output.write('\n');
    return answer;
  } finally {
    rl.close();
  }
}

/**
 * Reads all of `input` as UTF-8 (for `--password-stdin`, `--token-stdin`), at most `maxBytes`,
 * without the trailing newline. Throws USAGE when it is larger.
 * @example const token = await readAllStdin(ctx.stdin)
 */
export async function readAllStdin(input: Readable, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > maxBytes)
      throw new SkillsError('USAGE', `stdin holds more than ${maxBytes} bytes`, { exitCode: 2 });
    chunks.push(buf);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

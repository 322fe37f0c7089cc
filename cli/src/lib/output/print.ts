import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import type { CommandResult } from '../context.ts';
import { redactSecrets, type SkillsError } from '../errors.ts';

/** Prints a command's result: JSON (one document, newline-terminated) or its text. */
export function printResult(result: CommandResult, json: boolean, stdout: Writable): void {
  if (json) stdout.write(`${JSON.stringify(result.json ?? null, null, 2)}\n`);
  else if (result.text) stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
}

/** The one-line error, its hint, and with `--json` a machine-readable document on stdout. */
export function printError(
  err: SkillsError,
  options: { json: boolean; stdout: Writable; stderr: Writable; secrets?: string[]; color?: boolean },
): void {
  const clean = (s: string) => redactSecrets(s, options.secrets);
  const paint = (format: Parameters<typeof styleText>[0], text: string) =>
    options.color ? styleText(format, text) : text;
  options.stderr.write(`${paint(['red', 'bold'], `ERR_SKILLS_${err.code}`)}: ${clean(err.message)}\n`);
  if (err.hint) options.stderr.write(`${paint('dim', 'hint:')} ${clean(err.hint)}\n`);
  if (options.json) {
    const body = {
      error: { code: err.code, message: clean(err.message), hint: err.hint, details: err.details },
    };
    options.stdout.write(`${clean(JSON.stringify(body, null, 2))}\n`);
  }
}

/** Whether colour may be used on a stream (NO_COLOR, FORCE_COLOR, TTY). */
export function useColor(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return (stream as Writable & { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
}

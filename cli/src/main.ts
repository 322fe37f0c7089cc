// First: zod's settings must be in place before any schema is built.
import './zod-config.ts';
import type { Readable, Writable } from 'node:stream';
import { ALIASES, COMMANDS, SUMMARIES } from './commands/index.ts';
import { findCommandName, GLOBAL_OPTIONS, parseCommandLine } from './lib/args.ts';
import type { Command, CommandContext } from './lib/context.ts';
import { redactSecrets, SkillsError, usageError } from './lib/errors.ts';
import { printError, printResult, useColor } from './lib/output/print.ts';
import { askQuestion } from './lib/output/prompt.ts';

export interface MainOptions {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Read only when a command needs it: building `process.stdin` costs a few ms of every start. */
  stdin: Readable & { isTTY?: boolean };
  /** Whether stdin is a terminal, when known without building the stream (`tty.isatty(0)`). */
  stdinIsTTY?: boolean;
  stdout: Writable;
  stderr: Writable;
  version: string;
  /** The clock for cache freshness (default `Date.now`); tests inject one. */
  now?: () => number;
}

/**
 * Runs one `skills` invocation and returns its exit status. The one place that catches: coded
 * SkillsErrors print one line and a hint; anything else is a bug, with a stack only under --debug.
 */
export async function main(opts: MainOptions): Promise<number> {
  const { argv, stdout, stderr, env } = opts;
  const debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const secrets = [env.SKILLS_TOKEN ?? '', env.OPENAI_API_KEY ?? ''].filter(Boolean);
  try {
    const name = findCommandName(argv);
    const resolved = name ? (ALIASES[name] ?? name) : undefined;
    if (!resolved) {
      const top = parseCommandLine(argv);
      if (top.global.version) {
        stdout.write(`${opts.version}\n`);
        return 0;
      }
      stdout.write(helpText(opts.version));
      return top.global.help ? 0 : 2;
    }
    const load = COMMANDS[resolved];
    if (!load) throw usageError(`unknown command "${name}"`, suggestCommand(name ?? ''));
    const { command } = await load();
    const parsed = parseCommandLine(argv, command.options);
    if (parsed.global.help) {
      stdout.write(commandHelp(command));
      return 0;
    }
    const interactive = (opts.stdinIsTTY ?? opts.stdin.isTTY) === true && !parsed.global.yes && !json;
    const ctx: CommandContext = {
      args: parsed.positionals,
      flags: parsed.flags,
      global: { ...parsed.global, yes: parsed.global.yes || !interactive },
      cwd: opts.cwd,
      env,
      stderr,
      interactive,
      confirm: async (question) => {
        if (!interactive) return false;
        const { createInterface } = await import('node:readline/promises');
        const rl = createInterface({ input: opts.stdin, output: stderr });
        try {
          return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
        } finally {
          rl.close();
        }
      },
      get stdin() {
        return opts.stdin;
      },
      ...(opts.now ? { now: opts.now } : {}),
      prompt: async (question, promptOpts) => {
        if (!interactive) throw usageError(`cannot ask "${question.trim()}" without a terminal`);
        return askQuestion(opts.stdin, stderr, question, promptOpts);
      },
    };
    const result = await command.run(ctx);
    printResult(result, json, stdout);
    return result.exitCode ?? 0;
  } catch (err) {
    if (err instanceof SkillsError) {
      printError(err, { json, stdout, stderr, secrets, color: useColor(stderr, env) });
      if (debug && err.cause)
        stderr.write(`${redactSecrets(String((err.cause as Error).stack ?? err.cause), secrets)}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    stderr.write(`ERR_SKILLS_INTERNAL: ${redactSecrets(e?.message ?? String(err), secrets)}\n`);
    if (debug) stderr.write(`${redactSecrets(String(e?.stack), secrets)}\n`);
    else stderr.write('hint: this is a bug in skills; run again with --debug and report the output\n');
    return 70;
  }
}

function suggestCommand(name: string): string {
  const names = [...Object.keys(COMMANDS), ...Object.keys(ALIASES)];
  const close = names.find((n) => n.startsWith(name.slice(0, 3)) && name.length > 2);
  return close ? `did you mean \`skills ${close}\`?` : 'run `skills --help` for the list of commands';
}

function helpText(version: string): string {
  const width = Math.max(
    ...Object.keys(SUMMARIES).map((k) => k.length),
    ...Object.keys(GLOBAL_OPTIONS).map((k) => k.length + 2),
  );
  const lines = Object.entries(SUMMARIES).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  const globals = Object.entries(GLOBAL_OPTIONS).map(
    ([k, o]) => `  --${k.padEnd(width - 2)}  ${o.description}`,
  );
  return `skills ${version}: install, publish and run agent skills\n\nUsage: skills <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nGlobal options:\n${globals.join('\n')}\n`;
}

function commandHelp(command: Command): string {
  const opts = Object.entries(command.options ?? {}).map(
    ([k, o]) =>
      `  --${k}${o.type === 'string' ? ' <value>' : ''}${o.short ? `, -${o.short}` : ''}  ${o.description}`,
  );
  return `Usage: skills ${command.usage}\n\n${command.summary}\n${opts.length ? `\nOptions:\n${opts.join('\n')}\n` : ''}`;
}

import type { Readable, Writable } from 'node:stream';

/** Flags every command understands (docs/cli.md). */
export interface GlobalOptions {
  registry: string | undefined;
  json: boolean;
  debug: boolean;
  yes: boolean;
  /**
   * `--yes` was typed. `yes` is also true whenever nobody can be asked (docs/cli.md: implied when
   * stdin is not a TTY); a change that widens what a skill may do needs this explicit one.
   */
  yesGiven: boolean;
}

/**
 * What a command is handed: its arguments, the global flags, where it runs, and where it may
 * write progress. Commands return data; `bin.ts` prints it. Dependencies come in here so tests
 * can call a command function directly.
 */
export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** Command-specific flags, as parsed by the command's own `options` table. */
  flags: Record<string, string | boolean | string[] | undefined>;
  global: GlobalOptions;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Progress and warnings for people: stderr. Never stdout, which is reserved for results. */
  stderr: Writable;
  /** True when stdin is a TTY and `--yes` was not given, so a command may ask. */
  interactive: boolean;
  /** Ask a yes/no question; resolves false without asking when not interactive. */
  confirm(question: string): Promise<boolean>;
  /** The process's stdin, for `--password-stdin` and the like; `main` always sets it. */
  stdin?: Readable;
  /**
   * Ask a free-text question on stderr (hidden input for passwords). `main` always sets it; it
   * throws USAGE when not interactive, so call it only when `interactive` is true.
   */
  prompt?(question: string, opts?: { hidden?: boolean }): Promise<string>;
  /** The clock (milliseconds since the epoch) for cache freshness; `Date.now` unless a test injects one. */
  now?: () => number;
}

/** A command's result: `text` for people, `json` for `--json` (defaults to the whole result). */
export interface CommandResult {
  text?: string;
  json?: unknown;
  /** Exit status when the command ran but found problems (validate, verify). */
  exitCode?: number;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
}

/** A command module: `cli/src/commands/<name>.ts` exports `command`. */
export interface Command {
  usage: string;
  summary: string;
  options?: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<CommandResult>;
}

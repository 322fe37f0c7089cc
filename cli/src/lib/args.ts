import { parseArgs } from 'node:util';
import type { GlobalOptions, OptionSpec } from './context.ts';
import { usageError } from './errors.ts';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  registry: { type: 'string', description: 'registry URL (env SKILLS_REGISTRY)' },
  json: { type: 'boolean', description: 'machine output on stdout' },
  debug: { type: 'boolean', description: 'stack traces and request logs' },
  yes: { type: 'boolean', short: 'y', description: 'never prompt' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', short: 'v', description: 'show the version' },
};

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  global: GlobalOptions & { help: boolean; version: boolean };
}

/**
 * Parses argv (without node and script) against the global options and a command's options.
 * Throws a USAGE SkillsError naming the unknown flag.
 */
export function parseCommandLine(
  argv: string[],
  commandOptions: Record<string, OptionSpec> = {},
): ParsedArgs {
  const options = { ...GLOBAL_OPTIONS, ...commandOptions };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [
          k,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw usageError((err as Error).message.replace(/^[^:]*: /, '').split('\n')[0] ?? 'invalid arguments');
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const [command, ...positionals] = parsed.positionals;
  const flags: ParsedArgs['flags'] = {};
  for (const key of Object.keys(commandOptions)) flags[key] = values[key];
  return {
    command,
    positionals,
    flags,
    global: {
      registry: typeof values.registry === 'string' ? values.registry : undefined,
      json: values.json === true,
      debug: values.debug === true,
      yes: values.yes === true,
      yesGiven: values.yes === true,
      help: values.help === true,
      version: values.version === true,
    },
  };
}

/** The first non-flag argument: the command name, found before command options are known. */
export function findCommandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1];
    if (!a.startsWith('-')) return a;
    if (a === '--registry') i++;
  }
  return undefined;
}

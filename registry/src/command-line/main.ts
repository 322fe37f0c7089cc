import { readFileSync } from 'node:fs';
import { RegistryError } from '../errors.ts';
import { tokenCreateCommand, userAddCommand } from './admin-commands.ts';
import { type CliIo, CliUsageError } from './io.ts';
import { serveCommand } from './serve-command.ts';

const USAGE = `usage:
  skills-registry serve [--host H] [--port P] [--data-dir D] [--database-url URL] [--blob-store URL]
                        [--public-url URL] [--signing-key PEM] [--drain-delay SECONDS]
                        [--seed DIR] [--no-signup] [--no-rate-limit]
                        [--marketplace-name N] [--marketplace-owner O] [--marketplace-size K]
                        [--headers-timeout MS] [--request-timeout MS] [--body-idle-timeout MS]
                        [--max-connections N] [--max-connections-per-address N]
                        [--max-upload-bytes-in-flight BYTES] [--upload-workers N]
                        [--upload-timeout MS] [--upload-queue N] [--search-threads N]
                        [--search-limit N] [--heap-growth PERCENT] [--trust-proxy]
  skills-registry user add NAME --password-stdin [--admin] [--email E] [--data-dir D] [--database-url URL]
  skills-registry token create --user NAME [--scope read|publish] [--expires 30d] [--name N] [--data-dir D]

serve limits (defaults): --headers-timeout 10000, --request-timeout 120000, --body-idle-timeout
30000, --max-connections 512, --max-connections-per-address 64, --max-upload-bytes-in-flight
67108864, --upload-workers min(2, cores), --upload-timeout 20000, --upload-queue 64,
--search-threads 1 (0 to 16; SQLite on a file only, 0 searches on the main connection);
--heap-growth 100 (percent the V8 heap may grow past its live size before a full collection;
0 to 400, 0 leaves it to V8)

environment: HOST, PORT, SKILLS_DATA_DIR, DATABASE_URL, SKILLS_BLOB_STORE, SKILLS_PUBLIC_URL,
SKILLS_SIGNING_KEY, SKILLS_DRAIN_DELAY, SKILLS_SIGNUP=closed, SKILLS_RATE_LIMIT=off,
SKILLS_MARKETPLACE_NAME, SKILLS_MARKETPLACE_OWNER, SKILLS_MARKETPLACE_SIZE, SKILLS_SEARCH_LIMIT,
SKILLS_HEAP_GROWTH, SKILLS_TRUST_PROXY=1, and for each limit SKILLS_ + its flag in upper case, ending _MS for times
(SKILLS_HEADERS_TIMEOUT_MS, SKILLS_MAX_CONNECTIONS, …); for SKILLS_BLOB_STORE=s3://…:
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
`;

/**
 * The command line: dispatches, and turns every failure into one line on stderr and an exit
 * status (2 for usage, 1 otherwise). The one catch of the program.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === 'serve') return await serveCommand(argv.slice(1), io);
    if (command === 'user' && sub === 'add') return await userAddCommand(rest, io);
    if (command === 'token' && sub === 'create') return await tokenCreateCommand(rest, io);
    if (command === '--version' || command === '-v') {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new CliUsageError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
  } catch (e) {
    const usage = e instanceof CliUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = e instanceof RegistryError ? `${e.code}: ${e.message}` : (e as Error).message;
    io.stderr(`skills-registry: ${message}\n`);
    if (io.env.SKILLS_DEBUG && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    if (usage) io.stderr(`run skills-registry --help for usage\n`);
    return usage ? 2 : 1;
  }
}

/** The version in registry/package.json (two levels up from src/command-line and from dist/command-line). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

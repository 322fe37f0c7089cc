import { parseArgs } from 'node:util';
import { signupRequestSchema, tokenScopeSchema } from '@skills/schemas';
import { openStore } from '../db/open-store.ts';
import { type Deps, resolveDeps } from '../deps.ts';
import { withEnvironment } from '../server.ts';
import { createToken } from '../services/create-token.ts';
import { createUser } from '../services/create-user.ts';
import { createEphemeralSigner } from '../signing/signer.ts';
import { createMemoryBlobStore } from '../storage/memory-blob-store.ts';
import { type CliIo, CliUsageError } from './io.ts';

const STORAGE_OPTIONS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

const OFFLINE = { ip: null, requestId: null };

/** `skills-registry user add NAME --password-stdin [--admin] [--email E]`: works on the storage directly. */
export async function userAddCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'password-stdin': { type: 'boolean' },
      admin: { type: 'boolean' },
      email: { type: 'string' },
      ...STORAGE_OPTIONS,
    },
  });
  if (positionals.length !== 1)
    throw new CliUsageError('usage: skills-registry user add NAME --password-stdin [--admin]');
  if (!values['password-stdin']) throw new CliUsageError('give the password on stdin with --password-stdin');
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  const parsed = signupRequestSchema.safeParse({
    username: positionals[0],
    password,
    ...(values.email ? { email: values.email } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliUsageError(`${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  await withOfflineDeps(values, io, async (deps) => {
    await createUser({
      deps,
      input: {
        ...parsed.data,
        password: parsed.data.password,
        admin: values.admin ?? false,
        actor: 'system',
        request: OFFLINE,
      },
    });
  });
  io.stderr(`created user ${parsed.data.username}${values.admin ? ' (admin)' : ''}\n`);
  return 0;
}

/** `skills-registry token create --user NAME [--scope read|publish] [--expires 30d]`: prints only the token. */
export async function tokenCreateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      scope: { type: 'string' },
      expires: { type: 'string' },
      name: { type: 'string' },
      ...STORAGE_OPTIONS,
    },
  });
  if (!values.user)
    throw new CliUsageError(
      'usage: skills-registry token create --user NAME [--scope read|publish] [--expires 30d]',
    );
  const scope = tokenScopeSchema.safeParse(values.scope ?? 'publish');
  if (!scope.success) throw new CliUsageError('--scope must be read or publish');
  const days = values.expires === undefined ? undefined : /^([1-9]\d{0,3})d$/.exec(values.expires)?.[1];
  if (values.expires !== undefined && days === undefined)
    throw new CliUsageError('--expires takes a number of days, like 30d');
  const username = values.user;
  const created = await withOfflineDeps(values, io, async (deps) => {
    const user = await deps.store.getUser(username);
    if (!user) throw new Error(`no user named ${username}`);
    return createToken({
      deps,
      input: {
        actor: { username, admin: user.admin, scope: 'publish', tokenId: null, tokenExpiresAt: null },
        scope: scope.data,
        ...(days ? { expiresInDays: Number(days) } : {}),
        ...(values.name ? { name: values.name } : {}),
        request: OFFLINE,
      },
    });
  });
  io.stdout(`${created.token}\n`);
  return 0;
}

/** Opens the store the flags and environment name, with the deps services need (no blobs, no key). */
async function withOfflineDeps<T>(
  values: { 'data-dir'?: string; 'database-url'?: string },
  io: CliIo,
  run: (deps: Deps) => Promise<T>,
): Promise<T> {
  const options = withEnvironment(
    {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    },
    io.env,
  );
  const { mkdir } = await import('node:fs/promises');
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(options.databaseUrl, options.dataDir);
  try {
    return await run(resolveDeps({ store, blobs: createMemoryBlobStore(), signer: createEphemeralSigner() }));
  } finally {
    await store.close();
  }
}

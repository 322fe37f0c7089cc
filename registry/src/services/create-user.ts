import { hashPassword } from '../auth/password.ts';
import type { Deps } from '../deps.ts';
import { auditContext, type RequestInfo } from '../domain/caller.ts';
import { isReservedName } from '../domain/look-alike.ts';
import { RegistryError } from '../errors.ts';

export interface CreateUserInput {
  username: string;
  /** Null makes a user that cannot log in (the system user that seeds bundles). */
  password: string | null;
  email?: string;
  admin?: boolean;
  /** Who asked: `~self` for sign-up, `system` for the offline command. */
  actor: string;
  request: RequestInfo;
}

/**
 * Creates a user with a scrypt-hashed password. Sign-up (`actor: '~self'`) cannot take a reserved
 * name (`isReservedName`); nobody can take a look-alike of an existing username (`nameSkeleton`).
 * @throws RegistryError USER_EXISTS when the name is taken or reserved, NAME_CONFUSABLE when it
 * looks like an existing one.
 */
export async function createUser({ deps, input }: { deps: Deps; input: CreateUserInput }): Promise<void> {
  if (input.actor === '~self' && isReservedName(input.username)) {
    throw new RegistryError(
      'USER_EXISTS',
      `the username "${input.username}" is reserved: it is, starts or ends with, or looks like a name that would pass for the registry's own`,
    );
  }
  const passwordHash = input.password === null ? null : await hashPassword(input.password, deps.passwordCost);
  const at = deps.now();
  const outcome = await deps.store.createUser(
    {
      username: input.username,
      passwordHash,
      email: input.email ?? null,
      admin: input.admin ?? false,
      createdAt: at,
    },
    auditContext(input.actor === '~self' ? input.username : input.actor, input.request, at),
  );
  if (outcome === 'exists')
    throw new RegistryError('USER_EXISTS', `the username "${input.username}" is taken`);
  if (outcome !== 'created') {
    throw new RegistryError(
      'NAME_CONFUSABLE',
      `the username "${input.username}" looks like the existing user "${outcome.lookAlike}" (usernames are compared ignoring case, "-", "_", "." and look-alike characters such as 1/l/i, 0/o, rn/m)`,
    );
  }
}

/** For callers that only need the user to exist (another process may have just made it). */
export function ignoreUserExists(e: unknown): void {
  if (!(e instanceof RegistryError && e.code === 'USER_EXISTS')) throw e;
}

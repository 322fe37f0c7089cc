import { hashPassword } from '../auth/password.ts';
import type { Deps } from '../deps.ts';
import { auditContext, type RequestInfo } from '../domain/caller.ts';
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
 * Creates a user with a scrypt-hashed password.
 * @throws RegistryError USER_EXISTS when the name is taken.
 */
export async function createUser({ deps, input }: { deps: Deps; input: CreateUserInput }): Promise<void> {
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
}

/** For callers that only need the user to exist (another process may have just made it). */
export function ignoreUserExists(e: unknown): void {
  if (!(e instanceof RegistryError && e.code === 'USER_EXISTS')) throw e;
}

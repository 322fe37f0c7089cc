import { verifyPassword } from '../auth/password.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

/**
 * Checks a username and password (HTTP Basic). Unknown users cost the same scrypt time as known
 * ones, so timing does not tell which names exist.
 * @throws RegistryError UNAUTHORIZED on any mismatch.
 */
export async function authenticatePassword({
  deps,
  input,
}: {
  deps: Deps;
  input: { username: string; password: string };
}): Promise<Actor> {
  const user = input.username.length <= 64 ? await deps.store.getUser(input.username) : undefined;
  const ok = await verifyPassword(input.password.slice(0, 1024), user?.passwordHash ?? null);
  if (!user || !ok) throw new RegistryError('UNAUTHORIZED', 'wrong username or password');
  return {
    username: user.username,
    admin: user.admin,
    scope: 'publish',
    tokenId: null,
    tokenExpiresAt: null,
  };
}

import type { TokenScope } from '@skills/schemas';
import { generateToken, hashToken, TOKEN_PATTERN } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { createUser, ignoreUserExists } from './create-user.ts';

/** A user made at start: for tests and demos. */
export interface TestUser {
  username: string;
  /** Omitted: the user cannot log in with a password, only with the token. */
  password?: string;
  admin?: boolean;
  /** Use this exact token (`sk_…`); omitted, one is generated. */
  token?: string;
  scope?: TokenScope;
}

const SYSTEM = { actor: 'system', request: { ip: null, requestId: null } };

/**
 * Creates each user that does not exist yet and gives each a token; returns the tokens by user.
 * @throws Error for a token that is not of the registry's form.
 */
export async function seedUsers({
  deps,
  input,
}: {
  deps: Deps;
  input: { users: TestUser[] };
}): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const u of input.users) {
    if (!(await deps.store.getUser(u.username))) {
      await createUser({
        deps,
        input: { username: u.username, password: u.password ?? null, admin: u.admin ?? false, ...SYSTEM },
      }).catch(ignoreUserExists);
    }
    if (u.token !== undefined && !TOKEN_PATTERN.test(u.token)) {
      throw new Error(`the token of ${u.username} must look like sk_ followed by 43 base64url characters`);
    }
    const generated = generateToken();
    const token = u.token ?? generated.token;
    const hash = hashToken(token);
    if (!(await deps.store.findToken(hash))) {
      const at = deps.now();
      await deps.store.createToken(
        {
          id: generated.id,
          username: u.username,
          hash,
          prefix: token.slice(0, 10),
          scope: u.scope ?? 'publish',
          name: 'seeded',
          expiresAt: null,
          createdAt: at,
          lastUsedAt: null,
          revokedAt: null,
          parentId: null,
        },
        { ...SYSTEM.request, actor: SYSTEM.actor, at },
      );
    }
    tokens[u.username] = token;
  }
  return tokens;
}

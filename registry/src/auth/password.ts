import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MiB and tens of milliseconds per hash). */
export const DEFAULT_PASSWORD_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
export type PasswordCost = { N: number; r: number; p: number };

const KEY_LENGTH = 32;

/**
 * Hashes a password with scrypt and a fresh 16-byte salt, as `scrypt$N$r$p$salt$hash`
 * (base64url parts), so the cost can rise later without breaking stored hashes.
 */
export async function hashPassword(
  password: string,
  cost: PasswordCost = DEFAULT_PASSWORD_COST,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  const [kind, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || kind !== 'scrypt' || !salt || !hash) {
    await derive(password, DUMMY_SALT, DEFAULT_PASSWORD_COST);
    return false;
  }
  const expected = Buffer.from(hash, 'base64url');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((x) => Number.isSafeInteger(x) && x > 0)) return false;
  const actual = await derive(password, Buffer.from(salt, 'base64url'), cost, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const DUMMY_SALT = randomBytes(16);

function derive(password: string, salt: Buffer, cost: PasswordCost, length = KEY_LENGTH): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Tokens look like `sk_` + 43 base64url characters (32 random bytes). */
export const TOKEN_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;

/** A new token and what is stored of it: its sha256 and a short prefix for lists. */
export function generateToken(): { token: string; id: string; hash: string; prefix: string } {
  const token = `sk_${randomBytes(32).toString('base64url')}`;
  return { token, id: randomUUID(), hash: hashToken(token), prefix: token.slice(0, 10) };
}

/** Hex sha256 of a token: what the store keeps and looks tokens up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

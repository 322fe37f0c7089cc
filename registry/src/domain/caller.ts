import type { TokenScope } from '@skills/schemas';
import type { AuditContext } from '../db/store.ts';

/** Who is calling: a user, with the scope of the credential they used. */
export interface Actor {
  username: string;
  admin: boolean;
  /** A password counts as `publish`. */
  scope: TokenScope;
  /** The token used, or null for a password. */
  tokenId: string | null;
  /** When the token used expires; null for a password or a token without expiry. */
  tokenExpiresAt: string | null;
}

/** The caller of a service: an actor (or none) and where the request came from. */
export interface RequestInfo {
  ip: string | null;
  requestId: string | null;
}

export function auditContext(actor: string, request: RequestInfo, at: string): AuditContext {
  return { actor, at, ip: request.ip, requestId: request.requestId };
}

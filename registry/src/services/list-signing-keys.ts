import type { KeysDocument } from '@skills/schemas';
import type { Deps } from '../deps.ts';

/**
 * The public keys of every process sharing this registry's database, this process's own
 * included even before it is recorded.
 */
export async function listSigningKeys({ deps }: { deps: Deps }): Promise<KeysDocument> {
  const stored = await deps.store.listSigningKeys();
  const all = stored.some((k) => k.keyid === deps.signer.keyid) ? stored : [...stored, deps.signer];
  return {
    keys: all.map((k) => ({
      keyid: k.keyid,
      algorithm: 'ed25519',
      publicKey: k.publicKey,
      createdAt: k.createdAt,
    })),
  };
}

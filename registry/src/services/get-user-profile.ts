import type { Store } from '../db/store.ts';

/** A user and the bundles they own, or undefined for an unknown user. */
export async function getUserProfile({
  deps,
  input,
}: {
  deps: { store: Pick<Store, 'getUser' | 'listBundlesByOwner'> };
  input: { username: string };
}) {
  const user = await deps.store.getUser(input.username);
  if (!user) return undefined;
  return { user, owned: await deps.store.listBundlesByOwner(input.username) };
}

import { bundleNameSchema } from '@skills/schemas';
import type { BundleSnapshot, Store } from '../db/store.ts';

/** Everything recorded of one bundle, or undefined for an invalid or unknown name. */
export async function getBundleSnapshot({
  deps,
  input,
}: {
  deps: { store: Pick<Store, 'getBundle'> };
  input: { name: string };
}): Promise<BundleSnapshot | undefined> {
  if (!bundleNameSchema.safeParse(input.name).success) return undefined;
  return deps.store.getBundle(input.name);
}

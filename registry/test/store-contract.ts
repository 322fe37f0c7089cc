import type { MakeStore } from './contract/fixtures.ts';
import { accountContract } from './contract/store-accounts.ts';
import { changesContract } from './contract/store-changes.ts';
import { lifecycleContract } from './contract/store-lifecycle.ts';
import { npmArtifactContract } from './contract/store-npm.ts';
import { publishContract } from './contract/store-publish.ts';
import { searchContract } from './contract/store-search.ts';

export type { MakeStore } from './contract/fixtures.ts';

/**
 * The behaviour every metadata store adapter must show (STYLE.md point 3). Call it inside a
 * test file with a factory that returns a fresh, empty store each time:
 * @example runStoreContract(async () => createSqliteStore({ path: ':memory:' }))
 */
export function runStoreContract(makeStore: MakeStore): void {
  accountContract(makeStore);
  publishContract(makeStore);
  lifecycleContract(makeStore);
  searchContract(makeStore);
  npmArtifactContract(makeStore);
  changesContract(makeStore);
}

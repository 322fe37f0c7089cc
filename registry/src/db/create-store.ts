import type { Dialect } from './dialect.ts';
import { accounts } from './rules/accounts.ts';
import { auditReads } from './rules/audit.ts';
import { bundleReads } from './rules/bundles-read.ts';
import { npmArtifactRecords } from './rules/npm-artifacts.ts';
import { ownership } from './rules/owners.ts';
import { publishing } from './rules/publish.ts';
import { signingKeyRecords } from './rules/signing-keys.ts';
import { usageCounters } from './rules/usage.ts';
import { versionChanges } from './rules/versions.ts';
import type { Store } from './store.ts';

/** The store over one dialect: every rule and query is in `rules/`, written once. */
export function createStore(d: Dialect): Store {
  return {
    kind: d.kind,
    ...accounts(d),
    ...bundleReads(d),
    ...publishing(d),
    ...versionChanges(d),
    ...ownership(d),
    search: (query) => d.search(query),
    ...usageCounters(d),
    ...signingKeyRecords(d),
    ...npmArtifactRecords(d),
    ...auditReads(d),
    close: () => d.close(),
  };
}

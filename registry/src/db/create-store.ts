import type { Dialect } from './dialect.ts';
import { accounts } from './rules/accounts.ts';
import { auditReads } from './rules/audit.ts';
import { bundleReads } from './rules/bundles-read.ts';
import { changeReads } from './rules/changes.ts';
import { npmArtifactRecords } from './rules/npm-artifacts.ts';
import { ownership } from './rules/owners.ts';
import { publishing } from './rules/publish.ts';
import { signingKeyRecords } from './rules/signing-keys.ts';
import { usageCounters } from './rules/usage.ts';
import { versionChanges } from './rules/versions.ts';
import type { BundleChange, Store } from './store.ts';

/** The store over one dialect: every rule and query is in `rules/`, written once. */
export function createStore(d: Dialect): Store {
  const listeners = new Set<(change: BundleChange) => void>();
  const notify = (change: BundleChange) => {
    for (const listener of listeners) listener(change);
  };
  /** The write `method`, telling listeners about bundle `input.name` once it settles. */
  const announcing =
    <I extends { name: string }, A extends unknown[], R>(method: (input: I, ...rest: A) => Promise<R>) =>
    (input: I, ...rest: A): Promise<R> =>
      method(input, ...rest).finally(() => notify({ name: input.name }));
  const publish = publishing(d);
  const versions = versionChanges(d);
  const owners = ownership(d);
  const usage = usageCounters(d);
  return {
    kind: d.kind,
    ...accounts(d),
    ...bundleReads(d),
    ...changeReads(d),
    ...publish,
    commitPublish: announcing(publish.commitPublish),
    ...versions,
    setDistTag: announcing(versions.setDistTag),
    removeDistTag: announcing(versions.removeDistTag),
    setDeprecated: announcing(versions.setDeprecated),
    setYanked: announcing(versions.setYanked),
    ...owners,
    addOwner: announcing(owners.addOwner),
    removeOwner: announcing(owners.removeOwner),
    search: (query) => d.search(query),
    ...usage,
    async addDownloads(counts) {
      const totals = await usage.addDownloads(counts);
      for (const [name, downloads] of totals) notify({ name, downloads });
    },
    onBundleChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...signingKeyRecords(d),
    ...npmArtifactRecords(d),
    ...auditReads(d),
    close: () => d.close(),
  };
}

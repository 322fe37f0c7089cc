import type { Store } from '../db/store.ts';
import type { HostsInfo } from './pages/install-commands.ts';
import type { SkillDocs } from './skill-docs.ts';

/** The store reads the pages make; any `Store` has them. */
export type WebStore = Pick<Store, 'getBundle' | 'search' | 'listLatest' | 'getUser' | 'listBundlesByOwner'>;

/** What every page function is given. */
export interface PageContext {
  store: WebStore;
  skillDocs: SkillDocs;
  /** The origin and marketplace name the install commands name, for this request. */
  hosts: HostsInfo;
}

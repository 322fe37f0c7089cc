import type { Deps } from '../deps.ts';
import { type GitRepo, gitRepoOf } from '../domain/git-repo.ts';
import { getMarketplace } from './get-marketplace.ts';

/** Git repositories of catalogs kept per process; each is a pure function of the catalog text. */
const KEPT_REPOS = 4;

/** Where each host looks for a catalog in a repository (Codex tries the first, then the second). */
export const CATALOG_PATHS = ['.agents/plugins/marketplace.json', '.claude-plugin/marketplace.json'];

/**
 * The default catalog as a git repository of one commit (docs/marketplace.md), for hosts that
 * add marketplaces by cloning (Codex). The catalog is read from the store on every call; its
 * repository is rebuilt only when the catalog's text changes, and is the same in every process.
 */
export async function getMarketplaceRepo({
  deps,
  input,
}: {
  deps: Deps;
  input: { origin: string };
}): Promise<GitRepo> {
  const { text } = await getMarketplace({ deps, input: { origin: input.origin, filter: {} } });
  const cached = deps.marketplaceRepos.get(text);
  if (cached) return cached;
  const data = Buffer.from(text);
  const count = (JSON.parse(text) as { plugins: unknown[] }).plugins.length;
  const repo = gitRepoOf(
    CATALOG_PATHS.map((path) => ({ path, data })),
    `Catalog of ${count} plugin${count === 1 ? '' : 's'}`,
  );
  deps.marketplaceRepos.set(text, repo);
  for (const key of deps.marketplaceRepos.keys()) {
    if (deps.marketplaceRepos.size <= KEPT_REPOS) break;
    deps.marketplaceRepos.delete(key);
  }
  return repo;
}

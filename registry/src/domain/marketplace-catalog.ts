import { createHash } from 'node:crypto';
import { pluginName } from './npm-package.ts';

/** What the registry's marketplace catalogs are named and owned by (`serve --marketplace-*`). */
export interface MarketplaceConfig {
  /** The catalog's `name`: `[A-Za-z0-9][-A-Za-z0-9._]*`; hosts key installed plugins by it. */
  name: string;
  /** The catalog's `owner.name`. */
  owner: string;
  /** How many bundles a catalog holds at most (the most downloaded, for the default one). */
  size: number;
}

export const DEFAULT_MARKETPLACE: MarketplaceConfig = {
  name: 'skills-registry',
  owner: 'Skills registry',
  size: 200,
};

/** The hosts' marketplace name rule. */
export const MARKETPLACE_NAME_PATTERN = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/** Names Claude Code keeps for itself. */
const RESERVED_NAMES = ['inline', 'builtin', 'skills-dir'];

/**
 * Checks the configured parts of a catalog (`serve --marketplace-*`); the problem, or undefined.
 * @example marketplaceConfigProblem({ name: 'my skills' }) // 'the marketplace name must …'
 */
export function marketplaceConfigProblem(config: Partial<MarketplaceConfig>): string | undefined {
  const { name, size, owner } = config;
  if (name !== undefined && (!MARKETPLACE_NAME_PATTERN.test(name) || name.length > 64)) {
    return `the marketplace name must be up to 64 letters, digits, '-', '.' or '_', starting with a letter or digit, not "${name.slice(0, 80)}"`;
  }
  if (name !== undefined && RESERVED_NAMES.includes(name.toLowerCase())) {
    return `the marketplace name "${name}" is reserved by Claude Code`;
  }
  if (owner !== undefined && (owner.trim() === '' || owner.length > 128)) {
    return 'the marketplace owner must be 1 to 128 characters';
  }
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) {
    return `the marketplace size must be a whole number from 1 to 1000, not ${size}`;
  }
  return undefined;
}

/** Which catalog: the default one, or one focused on a category, a scope or a search. */
export type CatalogFilter = { category?: string; scope?: string; q?: string };

/** One bundle as a catalog lists it: its latest version's facts. */
export interface CatalogBundle {
  name: string;
  version: string;
  description: string;
  category: string | null;
  keywords: string[];
}

/**
 * The catalog's name for a filter: the configured name, plus `-category-C`, `-scope-S` or
 * `-search-TERMS` (a hash of them when they do not fit the hosts' name rule), so hosts can hold
 * several catalogs of one registry side by side.
 * @example catalogName('skills', { scope: '@acme' }) // 'skills-scope-acme'
 */
export function catalogName(base: string, filter: CatalogFilter): string {
  const parts = [base];
  if (filter.category) parts.push('category', filter.category);
  if (filter.scope) parts.push('scope', filter.scope.replace(/^@/, ''));
  if (filter.q !== undefined) {
    const slug = filter.q.toLowerCase().trim().replace(/\s+/g, '-');
    parts.push(
      'search',
      /^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)
        ? slug
        : createHash('sha1').update(filter.q).digest('hex').slice(0, 12),
    );
  }
  return parts.join('-');
}

/**
 * A Claude Code marketplace (`.claude-plugin/marketplace.json`, which Codex reads too) listing
 * `bundles` by plugin name. Each entry installs from the npm API: `source.version` is `^LATEST`,
 * and every version field equals the npm version (hosts show plugin.json's). `registry` is named
 * only for an https origin: both hosts refuse a plain-http registry that is not npm's default.
 */
export function buildCatalog(input: {
  config: MarketplaceConfig;
  filter: CatalogFilter;
  origin: string;
  bundles: CatalogBundle[];
}): Record<string, unknown> {
  const { config, filter, origin } = input;
  const registry = origin.startsWith('https://') ? { registry: `${origin}/npm/` } : {};
  const plugins = input.bundles
    .map((b) => ({
      name: pluginName(b.name),
      description: b.description,
      version: b.version,
      ...(b.category ? { category: b.category } : {}),
      tags: b.keywords,
      homepage: `${origin}/bundles/${b.name}`,
      source: { source: 'npm', package: b.name, version: `^${b.version}`, ...registry },
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    name: catalogName(config.name, filter),
    owner: { name: config.owner, url: origin },
    description: describe(filter, origin),
    plugins,
  };
}

function describe(filter: CatalogFilter, origin: string): string {
  const where = `the skills registry at ${origin}`;
  if (filter.category) return `Skill bundles of the ${filter.category} category from ${where}`;
  if (filter.scope) return `Skill bundles of the ${filter.scope} scope from ${where}`;
  if (filter.q !== undefined) return `Skill bundles matching "${filter.q}" from ${where}`;
  return `The most downloaded skill bundles from ${where}`;
}

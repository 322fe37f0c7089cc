import { CATEGORIES } from '@skills/schemas';
import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { table } from '../lib/output/format.ts';
import { openRegistry } from '../lib/registry/context.ts';

/** `skills search QUERY [--category C]`: what the registry has, best matches first. */
export const command: Command = {
  usage: 'search QUERY… [--category C] [--limit N]',
  summary: 'search the registry',
  options: {
    category: { type: 'string', description: `one of ${CATEGORIES.join(', ')}` },
    limit: { type: 'string', description: 'at most this many results (default 20)' },
  },
  async run(ctx) {
    const q = ctx.args.join(' ').trim();
    const category = typeof ctx.flags.category === 'string' ? ctx.flags.category : undefined;
    if (!q && !category) throw usageError('search needs a query or --category', 'skills search deploy');
    if (category && !(CATEGORIES as readonly string[]).includes(category)) {
      throw usageError(`unknown category "${category}"`, `categories: ${CATEGORIES.join(', ')}`);
    }
    const limit = typeof ctx.flags.limit === 'string' ? Number(ctx.flags.limit) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw usageError('--limit must be 1 to 100');
    const { client } = await openRegistry(ctx);
    const found = await client.search({ q, category, limit });
    if (found.results.length === 0) return { text: 'no bundles found', json: found };
    const rows = found.results.map((r) => [
      r.name,
      r.version,
      r.category ?? '',
      String(r.downloads),
      r.description,
    ]);
    const more =
      found.total > found.results.length ? `\n(${found.total - found.results.length} more; use --limit)` : '';
    return {
      text: `${table([['NAME', 'VERSION', 'CATEGORY', 'DOWNLOADS', 'DESCRIPTION'], ...rows])}${more}`,
      json: found,
    };
  },
};

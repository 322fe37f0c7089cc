import { distTagSchema } from '@skills/schemas';
import type { Command, CommandResult } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { table } from '../lib/output/format.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { parseExactSpec, parseSpec } from '../lib/resolve/spec.ts';

/** `skills dist-tag add NAME@VER TAG | rm NAME TAG | ls NAME`. */
export const command: Command = {
  usage: 'dist-tag add NAME@VERSION TAG | dist-tag rm NAME TAG | dist-tag ls NAME',
  summary: 'add, remove and list dist-tags',
  async run(ctx) {
    const [sub, ...rest] = ctx.args;
    if (sub === 'add' && rest.length === 2) {
      const { name, version } = parseExactSpec(rest[0]!);
      const tag = checkTag(rest[1]!);
      const { client } = await openRegistry(ctx, { bundle: name, requireToken: true });
      return show(name, await client.distTags.add(name, version, tag), `${name}: ${tag} → ${version}`);
    }
    if ((sub === 'rm' || sub === 'remove') && rest.length === 2) {
      const name = bareName(rest[0]!);
      const tag = checkTag(rest[1]!);
      if (tag === 'latest')
        throw usageError('the latest tag cannot be removed', 'move it: skills dist-tag add NAME@VER latest');
      const { client } = await openRegistry(ctx, { bundle: name, requireToken: true });
      return show(name, await client.distTags.rm(name, tag), `${name}: removed ${tag}`);
    }
    if ((sub === 'ls' || sub === 'list') && rest.length === 1) {
      const name = bareName(rest[0]!);
      const { client } = await openRegistry(ctx, { bundle: name });
      return show(name, await client.distTags.get(name));
    }
    throw usageError(`usage: skills ${command.usage}`);
  },
};

function show(name: string, tags: Record<string, string>, headline?: string): CommandResult {
  const rows = Object.entries(tags)
    .sort(([a], [b]) => (a === 'latest' ? -1 : b === 'latest' ? 1 : a.localeCompare(b)))
    .map(([t, v]) => [`${t}:`, v]);
  const listing = rows.length ? table(rows) : 'no dist-tags';
  return { text: headline ? `${headline}\n${listing}` : listing, json: { name, distTags: tags } };
}

function bareName(arg: string): string {
  const spec = parseSpec(arg);
  if (spec.hasRange) throw usageError(`give the bundle name without a version: ${spec.name}`);
  return spec.name;
}

function checkTag(tag: string): string {
  const parsed = distTagSchema.safeParse(tag);
  if (!parsed.success)
    throw usageError(`"${tag.slice(0, 64)}" is not a valid tag: ${parsed.error.issues[0]?.message}`);
  return tag;
}

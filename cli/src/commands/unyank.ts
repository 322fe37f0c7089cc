import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { parseExactSpec } from '../lib/resolve/spec.ts';

/** `skills unyank NAME@VER`: make a yanked version resolvable again. */
export const command: Command = {
  usage: 'unyank NAME@VERSION',
  summary: 'undo a yank',
  async run(ctx) {
    if (ctx.args.length !== 1) throw usageError(`usage: skills ${command.usage}`);
    const { name, version } = parseExactSpec(ctx.args[0]!);
    const { client } = await openRegistry(ctx, { bundle: name, requireToken: true });
    const doc = await client.unyank(name, version);
    return { text: `unyanked ${name}@${version}`, json: { name, version, yanked: doc.yanked === true } };
  },
};

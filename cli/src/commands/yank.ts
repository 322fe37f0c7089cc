import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { parseExactSpec } from '../lib/resolve/spec.ts';

/**
 * `skills yank NAME@VER`: new resolutions skip the version; lockfiles that pin it still install.
 * The version stays taken forever.
 */
export const command: Command = {
  usage: 'yank NAME@VERSION',
  summary: 'hide a version from new resolutions',
  async run(ctx) {
    if (ctx.args.length !== 1) throw usageError(`usage: skills ${command.usage}`);
    const { name, version } = parseExactSpec(ctx.args[0]!);
    const { client } = await openRegistry(ctx, { bundle: name, requireToken: true });
    const doc = await client.yank(name, version);
    return {
      text: `yanked ${name}@${version}: new installs will not pick it; lockfiles that pin it still install`,
      json: { name, version, yanked: doc.yanked === true },
    };
  },
};

import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { parseSpec } from '../lib/resolve/spec.ts';

/** `skills owner ls NAME | add NAME USER | rm NAME USER`. */
export const command: Command = {
  usage: 'owner ls NAME | owner add NAME USER | owner rm NAME USER',
  summary: 'add, remove and list owners',
  async run(ctx) {
    const [sub, nameArg, user, ...extra] = ctx.args;
    const want =
      sub === 'ls' || sub === 'list' ? 0 : sub === 'add' || sub === 'rm' || sub === 'remove' ? 1 : -1;
    if (want === -1 || !nameArg || extra.length || (want === 1) !== (user !== undefined)) {
      throw usageError(`usage: skills ${command.usage}`);
    }
    const spec = parseSpec(nameArg);
    if (spec.hasRange) throw usageError(`give the bundle name without a version: ${spec.name}`);
    const name = spec.name;
    const { client } = await openRegistry(ctx, { bundle: name, requireToken: want === 1 });
    let owners: string[];
    let headline = '';
    if (want === 0) owners = await client.owners.ls(name);
    else if (sub === 'add') {
      owners = await client.owners.add(name, user!);
      headline = `added ${user} to the owners of ${name}\n`;
    } else {
      owners = await client.owners.rm(name, user!);
      headline = `removed ${user} from the owners of ${name}\n`;
    }
    return { text: `${headline}${owners.join('\n')}`, json: { name, owners } };
  },
};

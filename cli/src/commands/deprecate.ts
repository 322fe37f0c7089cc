import semver from 'semver';
import type { Command } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { mapLimit } from '../lib/parallel.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { parseSpec } from '../lib/resolve/spec.ts';

/**
 * `skills deprecate NAME@RANGE MESSAGE`: mark every version matching the range (a bare NAME means
 * all of them); an empty MESSAGE ("") un-deprecates.
 */
export const command: Command = {
  usage: 'deprecate NAME[@RANGE] MESSAGE',
  summary: 'mark versions as deprecated',
  async run(ctx) {
    if (ctx.args.length !== 2)
      throw usageError(`usage: skills ${command.usage}`, 'quote the message; "" un-deprecates');
    const spec = parseSpec(ctx.args[0]!);
    const message = ctx.args[1]!;
    const { client } = await openRegistry(ctx, { bundle: spec.name, requireToken: true });
    const doc = await client.getBundle(spec.name);
    const all = Object.keys(doc.versions);
    let versions: string[];
    if (!spec.hasRange) versions = all;
    else if (spec.kind === 'tag') versions = doc.distTags[spec.range] ? [doc.distTags[spec.range]!] : [];
    else versions = all.filter((v) => semver.satisfies(v, spec.range, { includePrerelease: true }));
    if (versions.length === 0) {
      throw new SkillsError('NOT_FOUND', `no version of ${spec.name} matches "${spec.range}"`, {
        hint: `\`skills info ${spec.name}\` lists the versions`,
      });
    }
    versions.sort(semver.compare);
    await mapLimit(versions, 4, (v) => client.deprecate(spec.name, v, message));
    const verb = message === '' ? 'un-deprecated' : 'deprecated';
    return {
      text: `${verb} ${versions.map((v) => `${spec.name}@${v}`).join(', ')}`,
      json: { name: spec.name, versions, message },
    };
  },
};

import type { Command } from '../lib/context.ts';
import { SkillsError } from '../lib/errors.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { configKeyPins, keysToPins } from '../lib/registry/signature.ts';

/**
 * `skills trust [--expect KEYID]`: pin the registry's current signing keys, replacing earlier
 * pins. The answer to KEY_CHANGED after a registry rotated its key; `--expect` refuses unless
 * the registry lists that keyid (checked out of band).
 */
export const command: Command = {
  usage: 'trust [--registry URL] [--expect KEYID]',
  summary: "pin the registry's current signing keys (after a key rotation)",
  options: {
    expect: { type: 'string', description: 'refuse unless the registry lists this keyid' },
  },
  async run(ctx) {
    const { url, client, paths } = await openRegistry(ctx);
    const keys = keysToPins(await client.getKeys());
    const expect = ctx.flags.expect;
    if (typeof expect === 'string' && !keys[expect]) {
      throw new SkillsError('KEY_MISMATCH', `${url} does not list key ${expect}`, {
        hint: 'nothing was pinned; check the keyid with the registry operator',
        details: { registry: url, keys: Object.keys(keys) },
      });
    }
    const pins = configKeyPins(paths);
    const previous = Object.keys((await pins.read(url)) ?? {});
    const now = Object.keys(keys);
    if (now.length === 0) {
      throw new SkillsError('NO_KEYS', `${url} publishes no signing keys`, { hint: 'nothing was pinned' });
    }
    await pins.write(url, keys);
    const added = now.filter((k) => !previous.includes(k));
    const removed = previous.filter((k) => !now.includes(k));
    const lines = [`pinned ${now.length} key${now.length === 1 ? '' : 's'} for ${url}`];
    for (const k of now) lines.push(`  ${added.includes(k) && previous.length ? '+ ' : '  '}${k}`);
    for (const k of removed) lines.push(`  - ${k}`);
    return { text: lines.join('\n'), json: { registry: url, keys: now, added, removed } };
  },
};

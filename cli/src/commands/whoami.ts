import type { Command } from '../lib/context.ts';
import { openRegistry } from '../lib/registry/context.ts';

/** `skills whoami`: the user the registry sees behind the current token. */
export const command: Command = {
  usage: 'whoami [--registry URL]',
  summary: 'show who the registry thinks you are',
  async run(ctx) {
    const { client, url } = await openRegistry(ctx, { requireToken: true });
    const { username } = await client.whoami();
    return { text: username, json: { username, registry: url } };
  },
};

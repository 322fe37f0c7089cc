import { normalizeRegistryUrl, updateConfig } from '../lib/config.ts';
import type { Command } from '../lib/context.ts';
import { SkillsError } from '../lib/errors.ts';
import { createRegistryClient } from '../lib/registry/client.ts';
import { openRegistry } from '../lib/registry/context.ts';

/**
 * `skills logout`: forget the stored token for the registry, and revoke it there when `skills
 * login` made it (best effort: a registry that cannot be reached does not stop the logout).
 */
export const command: Command = {
  usage: 'logout [--registry URL]',
  summary: 'forget the token for a registry',
  async run(ctx) {
    const { url, paths, config } = await openRegistry(ctx);
    const key = normalizeRegistryUrl(url);
    const entry = config.registries[key];
    if (!entry?.token) return { text: `not logged in to ${url}`, json: { registry: url, loggedOut: false } };
    let revoked = false;
    if (entry.tokenId) {
      const client = createRegistryClient({ url, token: entry.token, retries: 1, timeoutMs: 10_000 });
      try {
        await client.revokeToken(entry.tokenId);
        revoked = true;
      } catch (err) {
        const why = err instanceof SkillsError ? err.message : 'unexpected error';
        ctx.stderr.write(
          `skills: could not revoke the token on the registry (${why}); forgetting it anyway\n`,
        );
      }
    }
    await updateConfig(paths, (c) => {
      const { [key]: _gone, ...rest } = c.registries;
      return { ...c, registries: rest };
    });
    return {
      text: `logged out of ${url}${revoked ? ' (token revoked)' : ''}`,
      json: { registry: url, loggedOut: true, revoked },
    };
  },
};

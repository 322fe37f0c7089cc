import type { Command } from '../lib/context.ts';
import { installCommand } from './install.ts';

/** `skills ci`: `skills install --frozen`: exactly the lockfile, every integrity verified. */
export const command: Command = {
  usage: 'ci [--force]',
  summary: 'install exactly what skills-lock.json says (install --frozen)',
  options: {
    force: { type: 'boolean', description: 'overwrite installed skills that were edited locally' },
  },
  run: (ctx) => installCommand(ctx, { frozen: true }),
};

import type { Command } from '../lib/context.ts';
import { GLOBAL_OPTION } from '../lib/install/scope.ts';
import { installCommand } from './install.ts';

/** `skills ci`: `skills install --frozen`: exactly the lockfile, every integrity verified. */
export const command: Command = {
  usage: 'ci [-g] [--force]',
  summary: 'install exactly what skills-lock.json says (install --frozen)',
  options: {
    ...GLOBAL_OPTION,
    force: { type: 'boolean', description: 'overwrite installed skills that were edited locally' },
  },
  run: (ctx) => installCommand(ctx, { frozen: true }),
};

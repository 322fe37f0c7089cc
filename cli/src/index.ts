export type { Command, CommandContext, CommandResult } from './lib/context.ts';
export { SkillsError } from './lib/errors.ts';
export { type MainOptions, main } from './main.ts';

export { main, type MainOptions } from './main.ts';
export type { Command, CommandContext, CommandResult } from './lib/context.ts';
export { SkillsError } from './lib/errors.ts';

import type { CommandContext } from '../context.ts';

/**
 * A progress writer for people: lines on stderr only when stderr is a terminal, and neither
 * `--json` nor CI is set; otherwise it does nothing.
 * @example const progress = progressFor(ctx); progress('resolving 3 bundles…')
 */
export function progressFor(ctx: Pick<CommandContext, 'stderr' | 'env' | 'global'>): (line: string) => void {
  const tty = (ctx.stderr as { isTTY?: boolean }).isTTY === true;
  const ci = ctx.env.CI !== undefined && ctx.env.CI !== '' && ctx.env.CI !== 'false';
  if (!tty || ctx.global.json || ci) return () => {};
  return (line) => ctx.stderr.write(`${line}\n`);
}

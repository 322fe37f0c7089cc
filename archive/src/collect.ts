import type { BundleFile } from './types.ts';

export const IGNORED_NAMES: readonly string[] = [];
export function isIgnored(_relPath: string): boolean {
  return false;
}
export async function collectFiles(_dir: string): Promise<BundleFile[]> {
  throw new Error('not implemented');
}

import type { BundleFile } from './types.ts';

export async function writeFilesSafely(_files: BundleFile[], _destDir: string): Promise<void> {
  throw new Error('not implemented');
}

import type { ArchiveLimits } from './limits.ts';
import type { BundleFile } from './types.ts';

export async function readArchive(
  _input: Buffer | AsyncIterable<Uint8Array>,
  _limits: Partial<ArchiveLimits> = {},
): Promise<{ root: string; files: BundleFile[] }> {
  throw new Error('not implemented');
}

import type { BundleFile } from './types.ts';

export const BUNDLE_ROOT = 'bundle';
export function packFiles(_files: BundleFile[]): Buffer {
  throw new Error('not implemented');
}
export async function packDirectory(
  _dir: string,
): Promise<{ tarball: Buffer; integrity: string; files: BundleFile[] }> {
  throw new Error('not implemented');
}
export function integrityOf(_data: Buffer): string {
  throw new Error('not implemented');
}

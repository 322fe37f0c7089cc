import type { BundleInspection, InspectOptions } from './inspect.ts';

export async function validateDirectory(
  _dir: string,
  _options: InspectOptions = {},
): Promise<BundleInspection> {
  throw new Error('not implemented');
}

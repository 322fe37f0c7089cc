import type { DiscoveryIndex } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { tarballPath } from '../domain/version-document.ts';

/**
 * The Agent Skills discovery index (v0.2.0): one `archive` entry per bundle, for its latest
 * version, with the sha256 of the tarball as served.
 */
export async function buildDiscoveryIndex({
  deps,
  input,
}: {
  deps: Deps;
  input: { origin: string };
}): Promise<DiscoveryIndex> {
  const latest = await deps.store.listLatest();
  return {
    version: '0.2.0',
    skills: latest.map((v) => ({
      name: v.name,
      type: 'archive' as const,
      description: v.document.description,
      url: input.origin + tarballPath(v.name, v.version),
      digest: `sha256:${v.sha256}`,
    })),
  };
}

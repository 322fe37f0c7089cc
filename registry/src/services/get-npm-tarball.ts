import type { Deps } from '../deps.ts';
import { buildNpmArtifacts } from './build-npm-artifacts.ts';
import { serveTarball, type TarballResult } from './get-tarball.ts';

/**
 * The npm package of a version by its file name (`deploy-1.0.0.tgz`), built and recorded on
 * first need; yanked versions' packages are still served, like their bundle tarballs. The ETag
 * is the integrity. A 200 counts a download of the bundle.
 * @throws RegistryError NOT_FOUND for an unknown version or file name.
 */
export function getNpmTarball({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; file: string; ifNoneMatch?: string };
}): Promise<TarballResult> {
  return serveTarball(deps, {
    ...input,
    cachePrefix: 'npm:',
    async find(version) {
      const snapshot = await deps.store.getBundle(input.name);
      const v = snapshot?.versions.find((x) => x.version === version);
      if (!snapshot || !v) return undefined;
      return (await buildNpmArtifacts({ deps, input: { snapshot, versions: [v] } })).get(version);
    },
  });
}

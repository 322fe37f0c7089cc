import { describe, expect, test } from 'vitest';
import type { NpmArtifact } from '../../src/db/store.ts';
import type { MakeStore } from './fixtures.ts';

const artifact = (version: string, o: Partial<NpmArtifact> = {}): NpmArtifact => ({
  name: '@acme/tool',
  version,
  integrity: `sha512-${version}`,
  shasum: 'a'.repeat(40),
  sha256: 'b'.repeat(64),
  size: 123,
  ...o,
});

/** The npm packages built from versions: recorded once, first record wins, listed by bundle. */
export function npmArtifactContract(makeStore: MakeStore): void {
  describe('npm artifacts', () => {
    test('are recorded once per version; a second record changes nothing and returns the first', async () => {
      const store = await makeStore();
      expect(await store.getNpmArtifacts('@acme/tool')).toEqual([]);
      expect(await store.putNpmArtifact(artifact('1.0.0'))).toEqual(artifact('1.0.0'));
      const again = await store.putNpmArtifact(artifact('1.0.0', { integrity: 'sha512-other', size: 9 }));
      expect(again).toEqual(artifact('1.0.0'));
      await store.putNpmArtifact(artifact('2.0.0'));
      await store.putNpmArtifact(artifact('1.0.0', { name: 'other' }));
      const listed = await store.getNpmArtifacts('@acme/tool');
      expect(listed.sort((a, b) => a.version.localeCompare(b.version))).toEqual([
        artifact('1.0.0'),
        artifact('2.0.0'),
      ]);
      await store.close();
    });

    test('concurrent records of one version all return the same stored row', async () => {
      const store = await makeStore();
      const results = await Promise.all(
        ['x', 'y', 'z'].map((s) => store.putNpmArtifact(artifact('1.0.0', { shasum: s.repeat(40) }))),
      );
      expect(new Set(results.map((r) => r.shasum)).size).toBe(1);
      expect(await store.getNpmArtifacts('@acme/tool')).toEqual([results[0]]);
      await store.close();
    });
  });
}

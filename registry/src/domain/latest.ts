import semver from 'semver';

/**
 * The version `latest` points at when it is not pinned: the highest version that is neither
 * yanked nor a prerelease; when every live version is a prerelease, the highest of those;
 * undefined when every version is yanked.
 * @example pickLatest([{ version: '1.0.0', yanked: false }, { version: '2.0.0-rc.1', yanked: false }]) // '1.0.0'
 */
export function pickLatest(versions: readonly { version: string; yanked: boolean }[]): string | undefined {
  const live = versions.filter((v) => !v.yanked).map((v) => v.version);
  const stable = live.filter((v) => semver.prerelease(v) === null);
  const pool = stable.length > 0 ? stable : live;
  return pool.sort(semver.rcompare)[0];
}

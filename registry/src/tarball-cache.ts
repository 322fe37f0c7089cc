/**
 * Tarball bytes by name@version, bounded by total size. Safe to keep in any process because a
 * published version's bytes never change (docs/security.md row 9); only yank flags do, and tarballs
 * of yanked versions are still served.
 */
export interface TarballCache {
  /** Whether a tarball of `size` bytes would be kept (bigger ones are streamed, never held). */
  fits(size: number): boolean;
  get(key: string): CachedTarball | undefined;
  set(key: string, value: CachedTarball): void;
}

export interface CachedTarball {
  integrity: string;
  bytes: Buffer;
}

export function createTarballCache(maxBytes = 64 * 1024 * 1024): TarballCache {
  const entries = new Map<string, CachedTarball>();
  let total = 0;
  const fits = (size: number) => size <= maxBytes / 8;
  return {
    fits,
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, value) {
      if (!fits(value.bytes.length) || entries.has(key)) return;
      entries.set(key, value);
      total += value.bytes.length;
      for (const [k, v] of entries) {
        if (total <= maxBytes) break;
        entries.delete(k);
        total -= v.bytes.length;
      }
    },
  };
}

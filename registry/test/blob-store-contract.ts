import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { BlobDigestError, type BlobStore, blobDigest, stageBlob } from '../src/storage/blob-store.ts';

/**
 * The behaviour every BlobStore adapter must show. `make` returns a fresh, empty store.
 * @example runBlobStoreContract(async () => createMemoryBlobStore())
 */
export function runBlobStoreContract(make: () => Promise<BlobStore>): void {
  describe('blob store contract', () => {
    test('put then get, stream and has; absent digests read as undefined/false', async () => {
      const store = await make();
      const bytes = randomBytes(100_000);
      const digest = blobDigest(bytes);
      expect(await store.has(digest)).toBe(false);
      expect(await store.get(digest)).toBeUndefined();
      expect(await store.stream(digest)).toBeUndefined();
      await store.put(digest, bytes);
      expect(await store.has(digest)).toBe(true);
      expect((await store.get(digest))?.equals(bytes)).toBe(true);
      const stream = await store.stream(digest);
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream!) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      expect(await store.list()).toEqual([digest]);
    });

    test('put is idempotent, and concurrent puts of one blob leave exactly it', async () => {
      const store = await make();
      const bytes = randomBytes(50_000);
      const digest = blobDigest(bytes);
      await Promise.all(Array.from({ length: 20 }, () => store.put(digest, bytes)));
      await store.put(digest, bytes);
      expect(await store.list()).toEqual([digest]);
      expect((await store.get(digest))?.equals(bytes)).toBe(true);
    });

    test('a digest that is not the sha256 of the bytes, or not a digest at all, is refused', async () => {
      const store = await make();
      const bytes = Buffer.from('hello');
      await expect(store.put(blobDigest(Buffer.from('other')), bytes)).rejects.toBeInstanceOf(
        BlobDigestError,
      );
      await expect(store.put('../../etc/passwd', bytes)).rejects.toBeInstanceOf(BlobDigestError);
      await expect(store.get('../x')).rejects.toBeInstanceOf(BlobDigestError);
      await expect(store.delete('ABC')).rejects.toBeInstanceOf(BlobDigestError);
      expect(await store.list()).toEqual([]);
    });

    test('delete removes one blob and tolerates absent ones', async () => {
      const store = await make();
      const a = Buffer.from('a');
      const b = Buffer.from('b');
      await store.put(blobDigest(a), a);
      await store.put(blobDigest(b), b);
      await store.delete(blobDigest(a));
      await store.delete(blobDigest(a));
      expect(await store.list()).toEqual([blobDigest(b)]);
    });

    test('a staged blob is invisible until placed; a discarded one never appears', async () => {
      const store = await make();
      const a = randomBytes(20_000);
      const b = randomBytes(20_000);
      const staged = await stageBlob(store, blobDigest(a), a);
      const dropped = await stageBlob(store, blobDigest(b), b);
      expect(await store.has(blobDigest(a))).toBe(false);
      expect(await store.list()).toEqual([]);
      await staged.place();
      await dropped.discard();
      expect((await store.get(blobDigest(a)))?.equals(a)).toBe(true);
      expect(await store.list()).toEqual([blobDigest(a)]);
      // Placing over a blob already there, and discarding after placing, change nothing.
      const again = await stageBlob(store, blobDigest(a), a);
      await again.place();
      await again.discard();
      await staged.discard();
      expect(await store.list()).toEqual([blobDigest(a)]);
      await expect(stageBlob(store, 'ABC', a)).rejects.toBeInstanceOf(BlobDigestError);
    });

    test('an empty blob is a blob', async () => {
      const store = await make();
      const empty = Buffer.alloc(0);
      await store.put(blobDigest(empty), empty);
      expect((await store.get(blobDigest(empty)))?.length).toBe(0);
    });
  });
}

import { assertDigest, type BlobStore } from './blob-store.ts';

/** A BlobStore in a Map: for tests and throwaway registries. */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Buffer>();
  return {
    kind: 'memory',
    async put(digest, bytes) {
      assertDigest(digest, bytes);
      if (!blobs.has(digest)) blobs.set(digest, Buffer.from(bytes));
    },
    async get(digest) {
      assertDigest(digest);
      return blobs.get(digest);
    },
    async stream(digest) {
      assertDigest(digest);
      const b = blobs.get(digest);
      if (!b) return undefined;
      return new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(b));
          controller.close();
        },
      });
    },
    async has(digest) {
      assertDigest(digest);
      return blobs.has(digest);
    },
    async delete(digest) {
      assertDigest(digest);
      blobs.delete(digest);
    },
    async list() {
      return [...blobs.keys()].sort();
    },
  };
}

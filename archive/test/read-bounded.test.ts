import { describe, expect, it } from 'vitest';
import { readStreamBounded } from '../src/read-bounded.ts';

function chunks(parts: number[], onCancel: () => void = () => {}): ReadableStream<Uint8Array> {
  const queue = parts.map((n) => new Uint8Array(n).fill(7));
  return new ReadableStream({
    pull(controller) {
      const next = queue.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel: onCancel,
  });
}

describe('readStreamBounded', () => {
  it('returns every byte when the stream stays within the cap', async () => {
    const body = await readStreamBounded(chunks([3, 4, 5]), 12);
    expect(body).toEqual(Buffer.alloc(12, 7));
  });

  it('stops and cancels the stream at the first byte past the cap', async () => {
    let cancelled = false;
    let pulled = 0;
    const parts = [4, 4, 4, 1_000_000];
    const stream = chunks(parts, () => {
      cancelled = true;
    });
    const counting = stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pulled += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    expect(await readStreamBounded(counting, 10)).toBeUndefined();
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(1_000_000);
  });
});

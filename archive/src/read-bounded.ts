/**
 * Reads a whole web stream, counting bytes as they arrive, and gives up (cancelling the stream)
 * once more than `maxBytes` came: a lying or missing length header changes nothing. Returns
 * undefined when the cap was passed, so each caller raises its own error.
 * @example const body = await readStreamBounded(res.body, 10 * 1024 * 1024); if (!body) throw tooLarge()
 */
export async function readStreamBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

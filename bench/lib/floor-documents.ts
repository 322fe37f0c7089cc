import type { FloorDocument } from './bare-node.ts';
import type { WrkRequest } from './wrk.ts';

/** Each requested document's body and our headers for its 200 and its 304, for `bare-node.ts`. */
export async function floorDocuments(url: string, conditional: WrkRequest[]): Promise<FloorDocument[]> {
  // Headers a server adds on its own to every answer: the floor's Node adds them itself.
  const OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
  const headersOf = (res: Response) =>
    Object.fromEntries([...res.headers].filter(([k]) => !OWN_HEADERS.has(k)));
  const out: FloorDocument[] = [];
  for (const { path, headers } of conditional) {
    const ok = await fetch(url + path);
    const body = await ok.text();
    const notModified = await fetch(url + path, { headers: headers ?? {} });
    await notModified.arrayBuffer();
    if (ok.status !== 200 || notModified.status !== 304)
      throw new Error(`GET ${path}: HTTP ${ok.status}, with its ETag ${notModified.status}`);
    out.push({
      path,
      body,
      etag: ok.headers.get('etag') ?? '',
      ok: headersOf(ok),
      notModified: headersOf(notModified),
    });
  }
  return out;
}

import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';
import { type BundleDocumentResult, getBundleDocument } from './get-bundle-document.ts';

/** One name's answer, as `GET /v1/bundles/NAME` would give it; `missing` for its 404. */
export type BundleDocumentsItem =
  | { name: string; missing: false; result: BundleDocumentResult }
  | { name: string; missing: true; message: string };

/**
 * The bundle documents of many names at once (`POST /v1/bundles/-/documents`): each is exactly
 * getBundleDocument's answer for that name, with its `ifNoneMatch` ETag, so a cached or
 * unchanged document costs here what it costs there. A missing bundle is reported for its name,
 * never failing the others. The route bounds how many names come in.
 * @throws what getBundleDocument throws, NOT_FOUND aside.
 */
export async function getBundleDocuments({
  deps,
  input,
}: {
  deps: Deps;
  input: { names: readonly string[]; origin: string; ifNoneMatch?: Readonly<Record<string, string>> };
}): Promise<BundleDocumentsItem[]> {
  return Promise.all(
    input.names.map(async (name): Promise<BundleDocumentsItem> => {
      const ifNoneMatch = input.ifNoneMatch?.[name];
      try {
        const result = await getBundleDocument({
          deps,
          input: { name, origin: input.origin, ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}) },
        });
        return { name, missing: false, result };
      } catch (error) {
        if (error instanceof RegistryError && error.code === 'NOT_FOUND')
          return { name, missing: true, message: error.message };
        throw error;
      }
    }),
  );
}

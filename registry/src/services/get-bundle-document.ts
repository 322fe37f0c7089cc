import type { BundleDocument, VersionDocument } from '@skills/schemas';
import semver from 'semver';
import type { BundleSnapshot } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { renderVersion } from '../domain/version-document.ts';
import { RegistryError } from '../errors.ts';
import { matchesEtag } from '../http/etag.ts';

/** Most bundle documents kept serialised in memory (one per bundle and origin). */
const CACHE_ENTRIES = 2000;

export type BundleDocumentResult =
  | { etag: string; notModified: true }
  | { etag: string; notModified: false; body: string };

/**
 * The bundle document as JSON text. The ETag is the bundle's revision and download count, read
 * from the store on every request (so every process agrees); when it matches `ifNoneMatch`
 * nothing else is read or built. Serialised documents are cached by revision.
 * @throws RegistryError NOT_FOUND.
 */
export async function getBundleDocument({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; origin: string; ifNoneMatch?: string };
}): Promise<BundleDocumentResult> {
  const head = await deps.store.getBundleHead(input.name);
  if (!head) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  const etag = etagOf(head.revision, head.downloads);
  if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };

  const key = `${input.origin}\n${input.name}`;
  const cached = deps.documentCache.get(key);
  if (cached?.startsWith(`${head.revision}\n`)) {
    return {
      etag,
      notModified: false,
      body: withDownloads(cached.slice(cached.indexOf('\n') + 1), head.downloads),
    };
  }
  const snapshot = await deps.store.getBundle(input.name);
  if (!snapshot) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  const { revision, downloads } = snapshot.bundle;
  const { downloads: _d, ...rest } = buildBundleDocument(snapshot, input.origin);
  const json = JSON.stringify(rest);
  deps.documentCache.delete(key);
  deps.documentCache.set(key, `${revision}\n${json}`);
  if (deps.documentCache.size > CACHE_ENTRIES) {
    deps.documentCache.delete(deps.documentCache.keys().next().value as string);
  }
  return { etag: etagOf(revision, downloads), notModified: false, body: withDownloads(json, downloads) };
}

/** The full document of `bundleDocumentSchema` for a snapshot. */
export function buildBundleDocument(s: BundleSnapshot, origin: string): BundleDocument {
  const versions: Record<string, VersionDocument> = {};
  for (const v of [...s.versions].sort((a, b) => semver.compare(a.version, b.version))) {
    versions[v.version] = renderVersion(v, origin);
  }
  return {
    name: s.bundle.name,
    description: s.bundle.description,
    ...(s.bundle.category ? { category: s.bundle.category as BundleDocument['category'] } : {}),
    keywords: s.bundle.keywords,
    distTags: s.distTags,
    versions,
    owners: s.owners,
    createdAt: s.bundle.createdAt,
    updatedAt: s.bundle.updatedAt,
    downloads: s.bundle.downloads,
  };
}

function etagOf(revision: number, downloads: number): string {
  return `"${revision}-${downloads}"`;
}

/** Appends `"downloads": n` to a serialised object (the cached text leaves it out). */
function withDownloads(json: string, downloads: number): string {
  return `${json.slice(0, -1)},"downloads":${downloads}}`;
}

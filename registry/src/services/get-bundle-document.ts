import type { BundleDocument, VersionDocument } from '@skills/schemas';
import semver from 'semver';
import type { BundleSnapshot } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { etagOf, withDownloads } from '../document-cache.ts';
import { renderVersion } from '../domain/version-document.ts';
import { RegistryError } from '../errors.ts';
import { matchesEtag } from '../http/etag.ts';

export type BundleDocumentResult =
  | { etag: string; notModified: true }
  | { etag: string; notModified: false; body: string };

/**
 * The bundle document as JSON text, with its ETag `"REVISION-DOWNLOADS"`. Served from the
 * process's document cache (`document-cache.ts`) when it holds the bundle: a 304 or a 200 then
 * reads nothing from the store. Otherwise one consistent read of the bundle, kept for next time.
 * @throws RegistryError NOT_FOUND.
 */
export async function getBundleDocument({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; origin: string; ifNoneMatch?: string };
}): Promise<BundleDocumentResult> {
  const cached = deps.documents.get(input.name);
  if (cached !== undefined && cached.origin === input.origin) {
    if (matchesEtag(input.ifNoneMatch, cached.etag)) return { etag: cached.etag, notModified: true };
    return { etag: cached.etag, notModified: false, body: cached.body };
  }
  const generation = deps.documents.generation;
  const snapshot = await deps.store.getBundle(input.name);
  if (!snapshot) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  const { revision, downloads } = snapshot.bundle;
  const { downloads: _d, ...rest } = buildBundleDocument(snapshot, input.origin);
  const json = JSON.stringify(rest);
  deps.documents.put(generation, input.name, { origin: input.origin, revision, downloads, json });
  const etag = etagOf(revision, downloads);
  if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };
  return { etag, notModified: false, body: withDownloads(json, downloads) };
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

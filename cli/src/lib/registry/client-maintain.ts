import { versionDocumentSchema } from '@skills/schemas';
import { bundlePath, jsonBody, type RegistryCaller, versionPath } from './call.ts';
import type { RegistryClient } from './client.ts';
import { guard, isString, parseDocument } from './documents.ts';
import type { HttpResponse } from './http.ts';

type MaintainerCalls = Pick<RegistryClient, 'distTags' | 'deprecate' | 'yank' | 'unyank' | 'owners'>;

/** The calls a bundle's owners make after publishing: dist-tags, deprecation, yanks, owners. */
export function maintainerCalls({ call }: RegistryCaller): MaintainerCalls {
  const tagPath = (name: string, tag: string) => `${bundlePath(name)}/dist-tags/${encodeURIComponent(tag)}`;
  const ownerPath = (name: string, user: string) => `${bundlePath(name)}/owners/${encodeURIComponent(user)}`;
  return {
    distTags: {
      get: async (name) => tagsOf(await call({ method: 'GET', path: `${bundlePath(name)}/dist-tags` })),
      add: async (name, version, tag) =>
        tagsOf(await call({ method: 'PUT', path: tagPath(name, tag), ...jsonBody({ version }) }, [200, 201])),
      rm: async (name, tag) => tagsOf(await call({ method: 'DELETE', path: tagPath(name, tag) })),
    },
    deprecate: async (name, version, message) =>
      versionOf(
        await call({
          method: 'POST',
          path: `${versionPath(name, version)}/deprecate`,
          ...jsonBody({ message }),
        }),
      ),
    yank: async (name, version) =>
      versionOf(await call({ method: 'POST', path: `${versionPath(name, version)}/yank` })),
    unyank: async (name, version) =>
      versionOf(await call({ method: 'POST', path: `${versionPath(name, version)}/unyank` })),
    owners: {
      ls: async (name) => ownersOf(await call({ method: 'GET', path: `${bundlePath(name)}/owners` })),
      add: async (name, user) => ownersOf(await call({ method: 'PUT', path: ownerPath(name, user) })),
      rm: async (name, user) => ownersOf(await call({ method: 'DELETE', path: ownerPath(name, user) })),
    },
  };
}

const isStringRecord = guard<Record<string, string>>(
  (d) => typeof d === 'object' && d !== null && Object.values(d).every((v) => typeof v === 'string'),
);
const isOwners = guard<{ owners: string[] }>(
  (d) =>
    Array.isArray((d as { owners?: unknown })?.owners) && (d as { owners: unknown[] }).owners.every(isString),
);
const tagsOf = (res: HttpResponse) => parseDocument(res, 'dist-tags', isStringRecord);
const ownersOf = (res: HttpResponse) => parseDocument(res, 'owners', isOwners).owners;
const versionOf = (res: HttpResponse) => parseDocument(res, 'version document', versionDocumentSchema);

import type { BundleDocument, SearchResponse } from '@skills/schemas';
import {
  type ProjectRegistrySettings,
  readConfig,
  registryAccess,
  type SkillsPaths,
  type UserConfig,
} from '../config.ts';
import type { CommandContext } from '../context.ts';
import { createRegistryClient, type RegistryClient } from '../registry/client.ts';
import { documentsDirOf } from '../registry/document-disk-cache.ts';
import { createDocumentLoader, type DocumentLoader } from '../registry/document-loader.ts';
import { describeRetry } from '../registry/http.ts';
import { configKeyPins, createSignatureVerifier } from '../registry/signature.ts';
import type { LocalSources } from './local-sources.ts';

/** A signed bundle version: what the registry's signature covers. */
export interface SignedBundle {
  name: string;
  version: string;
  integrity: string;
  signature?: { keyid: string; sig: string } | undefined;
  /** Where it is fetched from; a `file:` or `git+` source has no registry signature. */
  resolved?: string | undefined;
}

/**
 * Where bundles come from, per bundle name: each name goes to its registry (a mapped scope
 * never falls back, docs/security.md row 11), documents are fetched once per run, many in one
 * request, and kept in the cache folder between runs (createDocumentLoader: used as they are
 * within `maxAgeMs`, else revalidated by ETag).
 */
export interface InstallSource {
  getBundle(name: string): Promise<BundleDocument>;
  /** The tarball of `name`, from its registry's client (retries, size cap, 429 back-off), integrity checked. */
  fetchTarball(name: string, url: string, opts: { integrity: string }): Promise<Buffer>;
  /** Throws unless the signature verifies against the pinned keys of the bundle's registry. */
  verifySignature(bundle: SignedBundle): Promise<void>;
  /** Search on the registry of `name`; for the typosquatting warning. */
  search(name: string, q: string): Promise<SearchResponse>;
  /** The registry URL a bundle resolves from. */
  registryOf(name: string): string;
  /** Bundles from folders, tarballs and git (withLocalSources); absent on a registry-only source. */
  local?: LocalSources;
}

/**
 * A InstallSource for a command: registry choice from `--registry`, SKILLS_REGISTRY, the
 * project's skills.json (`registry`, `scopes`) and the user config; each registry gets only the
 * token bound to it (registryAccess), never SKILLS_TOKEN because skills.json names it; key pins in the user config. With `prepareSignatures` (installs), the first
 * document asked of a registry also starts loading its pins (and keys when none are pinned).
 * @example const source = await openInstallSource(ctx, paths, { registry: project.manifest.registry, scopes: project.manifest.scopes })
 */
export async function openInstallSource(
  ctx: Pick<CommandContext, 'env' | 'global' | 'stderr'>,
  paths: SkillsPaths,
  project: ProjectRegistrySettings | undefined,
  opts: {
    prepareSignatures?: boolean;
    /** Kept documents and searches younger than this are used without asking (default 0: always ask). */
    maxAgeMs?: number;
    now?: () => number;
  } = {},
): Promise<InstallSource> {
  const config: UserConfig = await readConfig(paths);
  const clients = new Map<string, RegistryClient>();
  const verifiers = new Map<string, ReturnType<typeof createSignatureVerifier>>();
  const prepared = new Set<string>();
  const documents = new Map<string, Promise<BundleDocument>>();
  const loaders = new Map<string, DocumentLoader>();
  const locate = (name: string) =>
    registryAccess(name, { flag: ctx.global.registry, env: ctx.env, project, config });
  const registryOf = (name: string) => locate(name).url;
  const clientFor = (name: string): RegistryClient => {
    const { url, token, notice } = locate(name);
    let client = clients.get(url);
    if (!client) {
      // Once per registry: the notice that SKILLS_TOKEN is held back from it.
      if (notice) ctx.stderr.write(notice);
      client = createRegistryClient({
        url,
        token,
        onRetry: (r) => ctx.stderr.write(describeRetry(r)),
      });
      clients.set(url, client);
    }
    return client;
  };
  const loaderFor = (name: string): DocumentLoader => {
    const client = clientFor(name);
    let loader = loaders.get(client.url);
    if (!loader) {
      loader = createDocumentLoader({
        client,
        dir: documentsDirOf(paths.cacheDir, client.url),
        maxAgeMs: opts.maxAgeMs ?? 0,
        ...(opts.now ? { now: opts.now } : {}),
      });
      loaders.set(client.url, loader);
    }
    return loader;
  };
  const verifierFor = (name: string, prepare = false) => {
    const url = registryOf(name);
    let verifier = verifiers.get(url);
    if (!verifier) {
      verifier = createSignatureVerifier({
        registryUrl: url,
        client: clientFor(name),
        pins: configKeyPins(paths),
      });
      verifiers.set(url, verifier);
    }
    // Pins read (and keys fetched when none are pinned) while documents download; nothing is
    // written before the first signature is checked.
    if (prepare && !prepared.has(url)) {
      prepared.add(url);
      verifier.prepare();
    }
    return verifier;
  };
  return {
    registryOf,
    getBundle(name) {
      let doc = documents.get(name);
      if (!doc) {
        if (opts.prepareSignatures) verifierFor(name, true);
        doc = loaderFor(name).get(name);
        doc.catch(() => {});
        documents.set(name, doc);
      }
      return doc;
    },
    fetchTarball: (name, url, opts) => clientFor(name).fetchTarball(url, opts),
    async verifySignature(bundle) {
      await verifierFor(bundle.name).verify(bundle);
    },
    search: (name, q) => loaderFor(name).search(q),
  };
}

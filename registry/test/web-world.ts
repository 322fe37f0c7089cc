import { integrityOf, packFiles } from '@skills/archive';
import type { Capabilities, ContentWarning } from '@skills/schemas';
import type { Hono } from 'hono';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import type { AuditContext, Store } from '../src/db/store.ts';
import type { StoredVersion } from '../src/domain/version-document.ts';
import type { BlobStore } from '../src/storage/blob-store.ts';
import { blobDigest } from '../src/storage/blob-store.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { createWebRoutes } from '../src/web/index.ts';

/** A registry for the web tests: the real SQLite store in memory and blobs in memory. */
export interface WebWorld {
  store: Store;
  blobs: BlobStore;
  app: Hono;
  publish(input: PublishInput): Promise<StoredVersion>;
  addUser(username: string): Promise<void>;
  close(): Promise<void>;
}

export interface SkillInput {
  name: string;
  description: string;
  /** The SKILL.md body, after the frontmatter. */
  body?: string;
}

export interface PublishInput {
  name: string;
  version: string;
  by?: string;
  description?: string;
  category?: string;
  keywords?: string[];
  license?: string;
  homepage?: string;
  repository?: string;
  dependencies?: Record<string, string>;
  skills?: SkillInput[];
  capabilities?: Capabilities;
  warnings?: ContentWarning[];
  at?: string;
  tag?: string;
}

const T0 = Date.parse('2025-03-01T12:00:00.000Z');

export async function createWebWorld(): Promise<WebWorld> {
  const store = createSqliteStore({ path: ':memory:' });
  const blobs = createMemoryBlobStore();
  const users = new Set<string>();
  let clock = 0;
  const nextAt = () => new Date(T0 + 60_000 * clock++).toISOString();
  const audit = (actor: string, at: string): AuditContext => ({ actor, at, ip: null, requestId: null });

  async function addUser(username: string): Promise<void> {
    if (users.has(username)) return;
    users.add(username);
    await store.createUser(
      { username, passwordHash: null, email: `${username}@example.com`, admin: false, createdAt: nextAt() },
      audit(username, nextAt()),
    );
  }

  async function publish(input: PublishInput): Promise<StoredVersion> {
    const by = input.by ?? 'alice';
    await addUser(by);
    const at = input.at ?? nextAt();
    const skills = input.skills ?? [
      { name: 'main', description: 'The main skill.', body: '# Main\n\nDoes things.' },
    ];
    const single = skills.length === 1;
    const files = [
      {
        path: 'skill.json',
        data: Buffer.from(JSON.stringify({ name: input.name, version: input.version })),
        executable: false,
      },
      ...skills.map((s) => ({
        path: single ? 'SKILL.md' : `skills/${s.name}/SKILL.md`,
        data: Buffer.from(
          `---\nname: ${JSON.stringify(s.name)}\ndescription: ${JSON.stringify(s.description)}\n---\n${s.body ?? ''}`,
        ),
        executable: false,
      })),
    ];
    const tarball = packFiles(files);
    const sha256 = blobDigest(tarball);
    await blobs.put(sha256, tarball);
    const document: StoredVersion = {
      name: input.name,
      version: input.version,
      description: input.description ?? `${input.name} does useful things.`,
      ...(input.license ? { license: input.license } : {}),
      ...(input.category ? { category: input.category as StoredVersion['category'] } : {}),
      keywords: input.keywords ?? [],
      ...(input.homepage ? { homepage: input.homepage } : {}),
      ...(input.repository ? { repository: input.repository } : {}),
      integrity: integrityOf(tarball),
      size: tarball.length,
      fileCount: files.length,
      dependencies: input.dependencies ?? {},
      skills: skills.map((s) => ({
        name: s.name,
        description: s.description,
        path: single ? '.' : `skills/${s.name}`,
      })),
      pipelines: [],
      capabilities: input.capabilities ?? {},
      publishedAt: at,
      publishedBy: by,
      warnings: input.warnings ?? [],
    };
    const claim = {
      name: input.name,
      version: input.version,
      actor: { username: by, admin: false },
      nonce: `n-${input.name}-${input.version}`,
      at,
      staleBefore: new Date(Date.parse(at) - 300_000).toISOString(),
    };
    const reserved = await store.reservePublish(claim);
    if (!('ok' in reserved)) throw new Error(`reserve refused: ${reserved.refused}`);
    const outcome = await store.commitPublish(
      {
        ...claim,
        integrity: document.integrity,
        sha256,
        size: tarball.length,
        document,
        tag: input.tag ?? 'latest',
        popularDownloads: 1000,
      },
      audit(by, at),
    );
    if (!('ok' in outcome)) throw new Error(`commit refused: ${outcome.refused}`);
    return document;
  }

  return {
    store,
    blobs,
    app: createWebRoutes({ store, blobs, publicUrl: 'http://127.0.0.1' }),
    publish,
    addUser,
    close: () => store.close(),
  };
}

/** GETs a page and returns its status, headers and body. */
export async function getPage(app: Hono, path: string, init?: RequestInit) {
  const res = await app.request(path, init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

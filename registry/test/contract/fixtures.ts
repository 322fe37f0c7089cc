import { createHash, randomUUID } from 'node:crypto';
import type { AuditContext, PublishOutcome, Store } from '../../src/db/store.ts';
import type { StoredVersion } from '../../src/domain/version-document.ts';

/** What each contract test is handed: a fresh, empty store. */
export type MakeStore = () => Promise<Store>;

export const T0 = '2030-01-01T00:00:00.000Z';
export const audit = (actor = 'tester', at = T0): AuditContext => ({
  actor,
  at,
  ip: '127.0.0.1',
  requestId: 'req-1',
});

export async function addUser(store: Store, username: string, admin = false): Promise<void> {
  await store.createUser({ username, passwordHash: null, email: null, admin, createdAt: T0 }, audit());
}

export function storedVersion(name: string, version: string, o: Partial<StoredVersion> = {}): StoredVersion {
  const integrity = `sha512-${createHash('sha512').update(`${name}@${version}`).digest('base64')}`;
  return {
    name,
    version,
    description: `${name} does things`,
    keywords: [],
    integrity,
    size: 100,
    fileCount: 2,
    dependencies: {},
    skills: [{ name: name.slice(name.lastIndexOf('/') + 1), description: 'a skill', path: '.' }],
    pipelines: [],
    capabilities: {},
    publishedAt: T0,
    publishedBy: 'tester',
    warnings: [],
    ...o,
  };
}

/** Claims and commits name@version as `user`, the way the publish service does. */
export async function publish(
  store: Store,
  input: {
    name: string;
    version: string;
    user: string;
    admin?: boolean;
    tag?: string;
    doc?: Partial<StoredVersion>;
    at?: string;
  },
): Promise<PublishOutcome> {
  const at = input.at ?? T0;
  const claim = {
    name: input.name,
    version: input.version,
    actor: { username: input.user, admin: input.admin ?? false },
    nonce: randomUUID(),
    at,
    staleBefore: '2000-01-01T00:00:00.000Z',
  };
  const reserved = await store.reservePublish(claim);
  if (!('ok' in reserved)) return reserved;
  const document = storedVersion(input.name, input.version, input.doc);
  return store.commitPublish(
    {
      ...claim,
      integrity: document.integrity,
      sha256: createHash('sha256').update(`${input.name}@${input.version}`).digest('hex'),
      size: document.size,
      document,
      tag: input.tag ?? 'latest',
      popularDownloads: 1000,
    },
    audit(input.user, at),
  );
}

export async function latestOf(store: Store, name: string): Promise<string | undefined> {
  return (await store.getBundle(name))?.distTags.latest;
}

import { createHash } from 'node:crypto';
import { openStore, type PublishCommit } from '@skills/registry';
import { describeBundle, prng } from './bundles.ts';

/**
 * Fills a registry store (`databaseUrl`: `sqlite:PATH` or `postgres://…`, as `serve
 * --database-url` takes it) with `count` published bundles through the store port itself
 * (`reservePublish` + `commitPublish`, the two transactions of a real publish, minus archive
 * work and blobs), then gives them a skewed spread of download counts. Only what search reads is
 * realistic; there are no tarballs.
 */
export async function seedSearchCorpus(
  databaseUrl: string,
  count: number,
  onProgress?: (done: number) => void,
) {
  const store = await openStore(databaseUrl, '.');
  const at = new Date().toISOString();
  const audit = { actor: 'bench', at, ip: null, requestId: null };
  const actor = { username: 'bench', admin: false };
  try {
    await store.createUser(
      { username: 'bench', passwordHash: null, email: null, admin: false, createdAt: at },
      audit,
    );
    const downloads = new Map<string, number>();
    let i = 0;
    for (const b of searchCorpus(count, at)) {
      const claim = {
        name: b.name,
        version: '1.0.0',
        actor,
        nonce: `seed-${i}`,
        at,
        staleBefore: '1970-01-01T00:00:00.000Z',
      };
      const reserved = await store.reservePublish(claim);
      if (!('ok' in reserved)) throw new Error(`seeding ${b.name}: ${JSON.stringify(reserved)}`);
      const outcome = await store.commitPublish(
        {
          ...claim,
          integrity: b.integrity,
          sha256: b.sha256,
          size: 2048,
          document: b.document,
          tag: 'latest',
          popularDownloads: Number.MAX_SAFE_INTEGER,
        },
        audit,
      );
      if (!('ok' in outcome)) throw new Error(`seeding ${b.name}: ${JSON.stringify(outcome)}`);
      downloads.set(b.name, b.downloads);
      i++;
      if (downloads.size >= 5000 || i === count) {
        await store.addDownloads(downloads);
        downloads.clear();
      }
      if (onProgress && i % 10_000 === 0) onProgress(i);
    }
  } finally {
    await store.close();
  }
}

/** One bundle of the corpus: its version document and the downloads it ends up with. */
export interface CorpusBundle {
  name: string;
  category: string;
  keywords: string[];
  integrity: string;
  sha256: string;
  document: PublishCommit['document'];
  downloads: number;
}

/** The corpus, bundle by bundle, the same on every run (seeded random numbers). */
export function* searchCorpus(count: number, at: string): Generator<CorpusBundle> {
  const rand = prng(7);
  for (let i = 0; i < count; i++) {
    const meta = describeBundle(i, rand);
    const integrity = `sha512-${createHash('sha512').update(meta.name).digest('base64')}`;
    const document: PublishCommit['document'] = {
      name: meta.name,
      version: '1.0.0',
      description: meta.description,
      license: 'MIT',
      category: meta.category,
      keywords: meta.keywords,
      integrity,
      size: 2048,
      fileCount: 4,
      dependencies: {},
      skills: [{ name: meta.name.slice(0, 64), description: meta.description, path: '.' }],
      pipelines: [],
      capabilities: {},
      publishedAt: at,
      publishedBy: 'bench',
      warnings: [],
    };
    // Downloads follow a long tail: most bundles have a few, some have many.
    const downloads = Math.floor(10 ** (rand() * rand() * 6));
    yield {
      name: meta.name,
      category: meta.category,
      keywords: meta.keywords,
      integrity,
      sha256: createHash('sha256').update(meta.name).digest('hex'),
      document,
      downloads,
    };
  }
}

/** Realistic search queries over the seeded corpus, by kind, as `/v1/search?…` paths. */
export function searchQueries(): { kind: string; path: string }[] {
  const q = (kind: string, query: string, extra = '') => ({
    kind,
    path: `/v1/search?q=${encodeURIComponent(query)}${extra}`,
  });
  return [
    ...['vercel', 'pdf', 'postgres', 'playwright', 'kubernetes', 'figma', 'stripe', 'react'].map((w) =>
      q('one word', w),
    ),
    ...['deploy', 'review', 'audit', 'migrate'].map((w) => q('one common word', w)),
    ...['verc', 'playw', 'kube', 'depl', 'po'].map((w) => q('prefix (typing)', w)),
    ...['deploy vercel', 'review pull requests', 'test playwright', 'pdf forms', 'audit stripe'].map((w) =>
      q('several words', w),
    ),
    ...['deploy', 'design', 'testing'].map((c) => q('word + category', 'vercel', `&category=${c}`)),
    ...['vercel zebra', 'kafka unicorn'].map((w) => q('no full match (fallback)', w)),
    q('empty (by downloads)', ''),
    q('page 3', 'react', '&offset=40'),
  ];
}

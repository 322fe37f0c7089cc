import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bundleDocumentParser,
  bundleDocumentSchema,
  bundleDocumentsResponseParser,
  bundleDocumentsResponseSchema,
  checkBundleDocument,
  checkBundleDocumentsResponse,
} from '../src/index.ts';
import { agree, breakage, breakDoc, INTEGRITY, sweep, viaJson } from './helpers/agreement.ts';

// The bundle document check against bundleDocumentSchema (the rules in helpers/agreement.ts):
// documents generated valid (values at and beside every limit), then broken one or two places at
// a time.

const str = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('x'.repeat(256), 'ü', ''));
const bundleName = fc.constantFrom(
  'a',
  'deploy',
  'a-b-2',
  '@acme/deploy',
  'a'.repeat(64),
  `@${'s'.repeat(63)}/${'n'.repeat(64)}`,
  `@${'s'.repeat(100)}/n`,
);
const skillName = fc.constantFrom('a', 'deploy-app', 'x1', 'a'.repeat(64));
const semver = fc.constantFrom('1.0.0', '0.0.1', '1.2.3-beta.1', '1.0.0+build.5', `1.0.0-${'a'.repeat(250)}`);
const range = fc.constantFrom('^1.0.0', 'latest', 'file:../x', '>=1 <2', 'x'.repeat(256), '~');
const count = fc.constantFrom(0, 1, 42, 2 ** 53 - 1);
const words = fc.array(str, { maxLength: 3 });
const capabilityList = fc.oneof(
  fc.array(fc.constantFrom('a', 'example.com', 'x'.repeat(256)), { maxLength: 3 }),
  fc.constant(Array.from({ length: 256 }, () => 'h')),
);

const version = fc.record(
  {
    name: bundleName,
    version: semver,
    description: str,
    license: str,
    category: fc.constantFrom('design', 'deploy', 'other'),
    keywords: words,
    repository: str,
    homepage: str,
    integrity: fc.constant(INTEGRITY),
    tarball: str,
    size: count,
    fileCount: count,
    dependencies: fc.dictionary(bundleName, range, { maxKeys: 3 }),
    skills: fc.array(
      fc.record(
        { name: skillName, description: str, path: str, allowedTools: str },
        { requiredKeys: ['name', 'description', 'path'] },
      ),
      { maxLength: 2 },
    ),
    pipelines: words,
    capabilities: fc.record(
      { network: capabilityList, exec: capabilityList, env: capabilityList, write: capabilityList },
      { requiredKeys: [] },
    ),
    deprecated: str,
    yanked: fc.boolean(),
    publishedAt: str,
    publishedBy: str,
    warnings: fc.array(
      fc.record({
        code: fc.constantFrom('BIDI_CONTROL', 'BASE64_BLOB'),
        path: str,
        line: fc.constantFrom(1, 7, 2 ** 53 - 1),
        message: str,
      }),
      { maxLength: 2 },
    ),
    signature: fc.record({ keyid: str, sig: str }),
  },
  {
    requiredKeys: [
      'name',
      'version',
      'description',
      'integrity',
      'tarball',
      'size',
      'fileCount',
      'dependencies',
      'skills',
      'capabilities',
      'publishedAt',
      'warnings',
    ],
  },
);

const bundleDocument = fc.record(
  {
    name: bundleName,
    description: str,
    category: fc.constantFrom('frontend', 'security'),
    keywords: words,
    distTags: fc.dictionary(fc.constantFrom('latest', 'next', '1', 'constructor'), semver, { maxKeys: 2 }),
    versions: fc.dictionary(semver, version, { maxKeys: 3 }),
    owners: words,
    downloads: count,
    createdAt: str,
    updatedAt: str,
  },
  {
    requiredKeys: ['name', 'description', 'distTags', 'versions', 'owners', 'downloads'],
  },
);

/** A document with every field there, one of each kind of entry. */
const FULL = {
  name: '@acme/deploy',
  description: 'Deploys',
  category: 'deploy',
  keywords: ['a'],
  distTags: { latest: '1.0.0' },
  versions: {
    '1.0.0': {
      name: '@acme/deploy',
      version: '1.0.0',
      description: 'Deploys',
      license: 'MIT',
      category: 'deploy',
      keywords: ['a'],
      repository: 'https://example.com/r',
      homepage: 'https://example.com',
      integrity: INTEGRITY,
      tarball: 'http://127.0.0.1/t.tgz',
      size: 10,
      fileCount: 2,
      dependencies: { other: '^1.0.0' },
      skills: [{ name: 'deploy', description: 'd', path: '.', allowedTools: 'Bash' }],
      pipelines: ['p.yaml'],
      capabilities: { network: ['example.com'], exec: ['git'], env: ['HOME'], write: ['out'] },
      deprecated: 'old',
      yanked: false,
      publishedAt: '2026-11-30T00:00:00Z',
      publishedBy: 'me',
      warnings: [{ code: 'PIPE_TO_SHELL', path: 'SKILL.md', line: 3, message: 'm' }],
      signature: { keyid: 'k', sig: 's' },
    },
  },
  owners: ['me'],
  downloads: 3,
  createdAt: '2026-11-30T00:00:00Z',
  updatedAt: '2026-11-30T00:00:00Z',
};

describe('the hand-written bundle document check agrees with bundleDocumentSchema', () => {
  it('accepts generated valid documents with zod’s output', () => {
    fc.assert(
      fc.property(bundleDocument, (doc) => {
        const input = viaJson(doc);
        const checked = checkBundleDocument(input);
        expect(checked).toBeDefined();
        agree(input, checked, bundleDocumentSchema);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('agrees on documents broken in one or two places', () => {
    let refused = 0;
    fc.assert(
      fc.property(bundleDocument, fc.array(breakage, { minLength: 1, maxLength: 2 }), (generated, breaks) => {
        const doc = structuredClone(generated);
        for (const b of breaks) breakDoc(doc, b);
        const input = viaJson(doc);
        const checked = checkBundleDocument(input);
        if (checked === undefined) refused++;
        agree(input, checked, bundleDocumentSchema);
      }),
      { seed: 12, numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(500); // the breakages do break documents
  });

  it('agrees on every odd value at every place of one document', () => {
    expect(checkBundleDocument(FULL)).toStrictEqual(bundleDocumentSchema.parse(FULL));
    sweep(FULL, checkBundleDocument, bundleDocumentSchema);
  });

  it('fills in defaults as zod does, in new arrays', () => {
    const doc = fc.sample(bundleDocument, { seed: 14, numRuns: 1 })[0]!;
    const input = viaJson({ ...doc, keywords: undefined }) as Record<string, unknown>;
    const a = checkBundleDocument(input);
    const b = checkBundleDocument(input);
    expect(a?.keywords).toEqual([]);
    expect(a?.keywords).not.toBe(b?.keywords);
    expect(a).not.toBe(input);
  });

  it('leaves what it does not vouch for to zod, which answers as before', () => {
    const doc = viaJson(fc.sample(bundleDocument, { seed: 15, numRuns: 1 })[0]) as Record<string, unknown>;
    // an own `__proto__` in a record: zod drops it and accepts; the check passes it on
    const withProto = JSON.parse(
      JSON.stringify(doc).replace('"distTags":{', '"distTags":{"__proto__":"1.0.0",'),
    );
    expect(checkBundleDocument(withProto)).toBeUndefined();
    expect(bundleDocumentParser.safeParse(withProto)).toEqual(bundleDocumentSchema.safeParse(withProto));
    expect(bundleDocumentParser.safeParse(withProto).success).toBe(true);
    // an invalid one: zod's issues, so the CLI names the field
    const bad = { ...doc, downloads: -1 };
    expect(bundleDocumentParser.safeParse(bad)).toEqual(bundleDocumentSchema.safeParse(bad));
    expect(bundleDocumentParser.safeParse(bad).error?.issues[0]?.path).toEqual(['downloads']);
    // arrays, other prototypes
    for (const odd of [[doc], Object.assign(Object.create(null), doc)]) {
      expect(checkBundleDocument(odd)).toBeUndefined();
    }
    // a built object with undefined values (never in JSON): zod's output, keys and all
    const built = { ...doc, category: undefined, keywords: undefined, createdAt: undefined };
    expect(checkBundleDocument(built)).toStrictEqual(bundleDocumentSchema.parse(built));
    expect(Object.keys(checkBundleDocument(built)!)).toEqual(Object.keys(bundleDocumentSchema.parse(built)));
  });
});

describe('the hand-written documents-response check agrees with bundleDocumentsResponseSchema', () => {
  const entry = fc.oneof(
    fc.record({ status: fc.constant(200), etag: str, document: bundleDocument }),
    fc.record({ status: fc.constant(304), etag: str }),
    fc.record({
      status: fc.constant(404),
      error: fc.record({ code: fc.constant('NOT_FOUND'), message: str }),
    }),
  );
  const response = fc.record({ results: fc.dictionary(fc.constantFrom('a', '@x/y', '1', 'b'), entry) });

  it('agrees on generated answers, whole and broken', () => {
    fc.assert(
      fc.property(response, fc.array(breakage, { maxLength: 2 }), (generated, breaks) => {
        const res = structuredClone(generated);
        for (const b of breaks) breakDoc(res, b);
        const input = viaJson(res);
        const checked = checkBundleDocumentsResponse(input);
        const has404 = JSON.stringify(input).includes('"status":404');
        if (checked === undefined && has404) return; // 404 entries are left to zod
        agree(input, checked, bundleDocumentsResponseSchema);
      }),
      { seed: 16, numRuns: 800 },
    );
  });

  it('agrees on every odd value at every place of one answer', () => {
    const res = {
      results: {
        '@acme/deploy': { status: 200, etag: '"e"', document: FULL },
        b: { status: 304, etag: '"f"' },
      },
    };
    expect(checkBundleDocumentsResponse(res)).toStrictEqual(bundleDocumentsResponseSchema.parse(res));
    sweep(res, checkBundleDocumentsResponse, bundleDocumentsResponseSchema);
  });

  it('answers a 404 entry through zod', () => {
    const res = { results: { a: { status: 404, error: { code: 'NOT_FOUND', message: 'no' } } } };
    expect(checkBundleDocumentsResponse(res)).toBeUndefined();
    expect(bundleDocumentsResponseParser.safeParse(res)).toEqual(
      bundleDocumentsResponseSchema.safeParse(res),
    );
  });
});

describe('the check follows the schema it stands for', () => {
  // A change to bundleDocumentSchema changes this digest: change the check to match (the
  // generators above too), then the digest. Refinements do not show here: the agreement does.
  it('bundleDocumentSchema is the one the check was written for', () => {
    const json = JSON.stringify(z.toJSONSchema(bundleDocumentSchema, { io: 'input' }));
    expect(createHash('sha256').update(json).digest('hex').slice(0, 16)).toBe('a92a78adcb67385b');
  });
});

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

// The hand-written check must never accept what zod refuses, must give zod's exact output when it
// accepts (defaults, key order, fresh objects), and must accept every JSON document zod accepts
// except the forms it leaves to zod on purpose (a `__proto__` key). Documents are generated valid
// (values at and beside every limit), then broken one or two places at a time.

const INTEGRITY = `sha512-${'A'.repeat(86)}==`;

/** Values a field may be set to: valid for some fields, each beside a limit of another. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  '',
  ' ',
  'x',
  'A',
  '200',
  'deploy',
  '@acme/deploy',
  `${'a'.repeat(64)}`,
  `${'a'.repeat(65)}`,
  `@${'s'.repeat(63)}/${'n'.repeat(64)}`,
  `@${'s'.repeat(64)}/${'n'.repeat(64)}`,
  `@${'s'.repeat(65)}/${'n'.repeat(64)}`,
  `@a/${'n'.repeat(65)}`,
  'a--b',
  '-a',
  'A-b',
  '@/a',
  '1.0.0',
  '01.0.0',
  '1.0',
  '1.0.0-rc.1+b.2',
  `1.0.0-${'a'.repeat(250)}`,
  `1.0.0-${'a'.repeat(251)}`,
  '^1.0.0',
  'latest',
  '1.0.0\t',
  'ü',
  'x'.repeat(256),
  'x'.repeat(257),
  INTEGRITY,
  `sha512-${'A'.repeat(85)}==`,
  `sha256-${'A'.repeat(86)}==`,
  'design',
  'Design',
  'other',
  'BIDI_CONTROL',
  'bidi_control',
  [],
  [''],
  ['x'],
  ['x', 1],
  Array.from({ length: 256 }, () => 'h'),
  Array.from({ length: 257 }, () => 'h'),
  {},
  { keyid: 'k', sig: 's' },
  { '1.0.0': '1.0.0' },
  { a: '^1' },
  { toString: 'x' },
];

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

type Json = Record<string, unknown> | unknown[];

/** Every object and array in `doc`, with the keys it holds. */
function containers(doc: unknown): Json[] {
  if (typeof doc !== 'object' || doc === null) return [];
  return [doc as Json, ...Object.values(doc).flatMap(containers)];
}

/** Keys added to an object: unknown anywhere, or known in another object. */
const EXTRA_KEYS = ['extra', 'error', 'status', 'document', 'etag', 'version', 'keyid', 'constructor'];

/** One way to break a document: at the `at`-th container, on its `key`-th key. */
interface Breakage {
  at: number;
  key: number;
  how: 'set' | 'delete' | 'add' | 'proto';
  value: number;
}
const breakage: fc.Arbitrary<Breakage> = fc.record({
  at: fc.nat(),
  key: fc.nat(),
  how: fc.constantFrom('set', 'delete', 'add', 'proto'),
  value: fc.nat({ max: ODD_VALUES.length - 1 }),
});

function breakDoc(doc: unknown, { at, key, how, value }: Breakage): void {
  const all = containers(doc);
  const target = all[at % all.length]!;
  const keys = Object.keys(target);
  const odd = structuredClone(ODD_VALUES[value]);
  if (how === 'add') {
    if (Array.isArray(target)) target.push(odd);
    else target[EXTRA_KEYS[key % EXTRA_KEYS.length]!] = odd;
  } else if (how === 'proto') {
    // an own `__proto__` key, as JSON.parse makes
    Object.defineProperty(target, '__proto__', {
      value: odd,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (keys.length > 0) {
    const k = keys[key % keys.length]!;
    if (how === 'delete') delete (target as Record<string, unknown>)[k];
    else (target as Record<string, unknown>)[k] = odd;
  }
}

/** The check against zod on one input: sound always, complete on JSON without `__proto__`. */
function agree(input: unknown, checked: unknown, schema: z.ZodType): void {
  const ref = schema.safeParse(input);
  if (checked !== undefined) {
    expect(ref.success, 'the check accepted what zod refuses').toBe(true);
    expect(checked).toStrictEqual(ref.data);
    expect(JSON.stringify(checked)).toBe(JSON.stringify(ref.data)); // key order too
  } else if (!JSON.stringify(input).includes('"__proto__"')) {
    expect(ref.success, `zod accepted what the check refuses: ${JSON.stringify(input)}`).toBe(false);
  }
}

/**
 * Every breakage of `doc` at every place: each key set to each odd value or deleted, each
 * object given each extra key, each array a further item.
 */
function sweep(doc: unknown, check: (v: unknown) => unknown, schema: z.ZodType): void {
  const all = containers(doc);
  for (let at = 0; at < all.length; at++) {
    const c = all[at]!;
    const keys = Array.isArray(c) ? Math.min(c.length, 1) : Object.keys(c).length;
    const tries: Breakage[] = [{ at, key: 0, how: 'proto', value: 0 }];
    for (let key = 0; key < keys; key++) {
      tries.push({ at, key, how: 'delete', value: 0 });
      for (let value = 0; value < ODD_VALUES.length; value++) tries.push({ at, key, how: 'set', value });
    }
    for (let key = 0; key < EXTRA_KEYS.length; key++) tries.push({ at, key, how: 'add', value: key });
    for (const b of tries) {
      const copy = structuredClone(doc);
      breakDoc(copy, b);
      const input = viaJson(copy);
      agree(input, check(input), schema);
    }
  }
}

/** As read from a file or an answer: through JSON text. */
const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

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
    // undefined values (never in JSON), arrays, other prototypes
    for (const odd of [{ ...doc, category: undefined }, [doc], Object.assign(Object.create(null), doc)]) {
      expect(checkBundleDocument(odd)).toBeUndefined();
    }
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

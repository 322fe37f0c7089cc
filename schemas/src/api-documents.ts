import { z } from 'zod';
import { CATEGORIES } from './bundle-manifest.ts';
import { capabilitiesSchema } from './capabilities.ts';
import { bundleNameSchema, skillNameSchema } from './names.ts';
import { integritySchema, rangeSchema, semverSchema } from './semver-text.ts';
import { contentWarningSchema } from './warnings.ts';

export const signatureSchema = z.lazy(() =>
  z.strictObject({
    keyid: z.string(),
    /** Base64 Ed25519 signature over the UTF-8 bytes of `NAME@VER:INTEGRITY`. */
    sig: z.string(),
  }),
);

export const skillSummarySchema = z.lazy(() =>
  z.strictObject({
    name: skillNameSchema,
    description: z.string(),
    /** Its folder inside the bundle: `.` for a single-skill bundle, `skills/NAME` otherwise. */
    path: z.string(),
    allowedTools: z.string().optional(),
  }),
);

/** `GET /v1/bundles/NAME/VER` */
export const versionDocumentSchema = z.lazy(() =>
  z.strictObject({
    name: bundleNameSchema,
    version: semverSchema,
    description: z.string(),
    license: z.string().optional(),
    category: z.enum(CATEGORIES).optional(),
    keywords: z.array(z.string()).default([]),
    repository: z.string().optional(),
    homepage: z.string().optional(),
    integrity: integritySchema,
    tarball: z.string(),
    size: z.number().int().nonnegative(),
    fileCount: z.number().int().nonnegative(),
    dependencies: z.record(bundleNameSchema, rangeSchema),
    skills: z.array(skillSummarySchema),
    pipelines: z.array(z.string()).default([]),
    capabilities: capabilitiesSchema,
    deprecated: z.string().optional(),
    yanked: z.boolean().optional(),
    publishedAt: z.string(),
    publishedBy: z.string().optional(),
    warnings: z.array(contentWarningSchema),
    signature: signatureSchema.optional(),
  }),
);
export type VersionDocument = z.infer<typeof versionDocumentSchema>;

/** `GET /v1/bundles/NAME` */
export const bundleDocumentSchema = z.lazy(() =>
  z.strictObject({
    name: bundleNameSchema,
    description: z.string(),
    category: z.enum(CATEGORIES).optional(),
    keywords: z.array(z.string()).default([]),
    distTags: z.record(z.string(), semverSchema),
    versions: z.record(semverSchema, versionDocumentSchema),
    owners: z.array(z.string()),
    downloads: z.number().int().nonnegative(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  }),
);
export type BundleDocument = z.infer<typeof bundleDocumentSchema>;

/** Most names one `POST /v1/bundles/-/documents` may ask for. */
export const MAX_DOCUMENTS_PER_REQUEST = 100;

/**
 * `POST /v1/bundles/-/documents` body: up to MAX_DOCUMENTS_PER_REQUEST distinct names, and per
 * name the ETag of a copy the client holds (each entry then answers like `If-None-Match`).
 */
export const bundleDocumentsRequestSchema = z.lazy(() =>
  z.strictObject({
    names: z
      .array(bundleNameSchema)
      .min(1, 'ask for at least one name')
      .max(MAX_DOCUMENTS_PER_REQUEST, `at most ${MAX_DOCUMENTS_PER_REQUEST} names per request`)
      .refine((names) => new Set(names).size === names.length, 'each name at most once'),
    ifNoneMatch: z.record(z.string(), z.string().max(200)).optional(),
  }),
);
export type BundleDocumentsRequest = z.infer<typeof bundleDocumentsRequestSchema>;

/** One name's answer: what `GET /v1/bundles/NAME` would have said (200, 304, 404). */
export const bundleDocumentsEntrySchema = z.lazy(() =>
  z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal(200), etag: z.string(), document: bundleDocumentSchema }),
    z.strictObject({ status: z.literal(304), etag: z.string() }),
    z.strictObject({
      status: z.literal(404),
      error: z.strictObject({ code: z.literal('NOT_FOUND'), message: z.string() }),
    }),
  ]),
);
export type BundleDocumentsEntry = z.infer<typeof bundleDocumentsEntrySchema>;

/** `POST /v1/bundles/-/documents` → 200: an entry for every name asked, in the order asked. */
export const bundleDocumentsResponseSchema = z.lazy(() =>
  z.strictObject({
    results: z.record(z.string(), bundleDocumentsEntrySchema),
  }),
);
export type BundleDocumentsResponse = z.infer<typeof bundleDocumentsResponseSchema>;

/**
 * The request header of `PUT /v1/bundles/NAME` declaring the version the uploaded archive holds,
 * so the registry can refuse a taken version before reading the body (docs/http-api.md).
 */
export const BUNDLE_VERSION_HEADER = 'Skills-Bundle-Version';

/** `PUT /v1/bundles/NAME` → 201 */
export const publishResultSchema = z.lazy(() =>
  z.strictObject({
    name: bundleNameSchema,
    version: semverSchema,
    integrity: integritySchema,
    warnings: z.array(contentWarningSchema).default([]),
  }),
);
export type PublishResult = z.infer<typeof publishResultSchema>;

/** `GET /v1/search` */
export const searchResponseSchema = z.lazy(() =>
  z.strictObject({
    total: z.number().int().nonnegative(),
    results: z.array(
      z.strictObject({
        name: bundleNameSchema,
        version: semverSchema,
        description: z.string(),
        category: z.enum(CATEGORIES).optional(),
        keywords: z.array(z.string()).default([]),
        downloads: z.number().int().nonnegative(),
        score: z.number(),
      }),
    ),
  }),
);
export type SearchResponse = z.infer<typeof searchResponseSchema>;

export const TOKEN_SCOPES = ['read', 'publish'] as const;
export const tokenScopeSchema = z.lazy(() => z.enum(TOKEN_SCOPES));
export type TokenScope = z.infer<typeof tokenScopeSchema>;

/** `POST /v1/tokens` body */
export const tokenRequestSchema = z.lazy(() =>
  z.strictObject({
    scope: tokenScopeSchema.default('publish'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    name: z.string().max(128).optional(),
  }),
);

/** `POST /v1/tokens` → 201; the only time the token itself is shown. */
export const tokenCreatedSchema = z.lazy(() =>
  z.strictObject({
    id: z.string(),
    token: z.string(),
    scope: tokenScopeSchema,
    expiresAt: z.string().nullable(),
  }),
);

/** `GET /v1/tokens` entries: never the token. */
export const tokenInfoSchema = z.lazy(() =>
  z.strictObject({
    id: z.string(),
    scope: tokenScopeSchema,
    name: z.string().optional(),
    prefix: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  }),
);
export type TokenInfo = z.infer<typeof tokenInfoSchema>;

/** `POST /v1/users` body */
export const signupRequestSchema = z.lazy(() =>
  z.strictObject({
    username: z
      .string()
      .min(2)
      .max(39)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters and digits separated by hyphens'),
    password: z.string().min(10, 'must be at least 10 characters').max(1024),
    email: z.email().max(256).optional(),
  }),
);

/** `GET /v1/keys` */
export const keysDocumentSchema = z.lazy(() =>
  z.strictObject({
    keys: z.array(
      z.strictObject({
        keyid: z.string(),
        algorithm: z.literal('ed25519'),
        /** Base64 DER (SPKI) public key. */
        publicKey: z.string(),
        createdAt: z.string(),
      }),
    ),
  }),
);
export type KeysDocument = z.infer<typeof keysDocumentSchema>;

/** `PUT /v1/bundles/NAME/dist-tags/TAG` body. */
export const distTagRequestSchema = z.lazy(() => z.strictObject({ version: semverSchema }));

/** `POST /v1/bundles/NAME/VER/deprecate` body; an empty message un-deprecates. */
export const deprecateRequestSchema = z.lazy(() =>
  z.strictObject({
    message: z.string().max(1024, 'must be at most 1024 characters'),
  }),
);

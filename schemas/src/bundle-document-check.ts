import {
  type BundleDocument,
  type BundleDocumentsResponse,
  bundleDocumentSchema,
  bundleDocumentsResponseSchema,
} from './api-documents.ts';
import {
  array,
  attempt,
  bundleName,
  capabilities,
  category,
  checkedFirst,
  count,
  integrity,
  no,
  nonnegative,
  type Obj,
  optional,
  range,
  record,
  semver,
  signature,
  skillName,
  str,
  strict,
  strings,
  warningCode,
} from './checks.ts';

// Bundle documents checked without zod. Building `bundleDocumentSchema` costs a fresh CLI process
// ~10 ms before its first parse, and an install checks 20 documents (kept or fetched) and nothing
// else of that size. This checker accepts a subset of what the schema accepts and gives the same
// output (defaults filled in, keys in the schema's order, new objects and arrays); anything
// else, valid or not, goes to zod, which has the last word and the error messages.
// `test/bundle-document-check.test.ts` holds the two together on generated documents.

const SKILL_KEYS = new Set(['name', 'description', 'path', 'allowedTools']);
function skillSummary(v: unknown): Obj {
  const d = strict(v, SKILL_KEYS);
  const out: Obj = { name: skillName(d.name), description: str(d.description), path: str(d.path) };
  optional(out, d, 'allowedTools', str);
  return out;
}

const WARNING_KEYS = new Set(['code', 'path', 'line', 'message']);
function warning(v: unknown): Obj {
  const d = strict(v, WARNING_KEYS);
  return { code: warningCode(d.code), path: str(d.path), line: count(d.line, 1), message: str(d.message) };
}

const VERSION_KEYS = new Set([
  'name',
  'version',
  'description',
  'license',
  'category',
  'keywords',
  'repository',
  'homepage',
  'integrity',
  'tarball',
  'size',
  'fileCount',
  'dependencies',
  'skills',
  'pipelines',
  'capabilities',
  'deprecated',
  'yanked',
  'publishedAt',
  'publishedBy',
  'warnings',
  'signature',
]);
function versionDocument(v: unknown): Obj {
  const d = strict(v, VERSION_KEYS);
  const out: Obj = { name: bundleName(d.name), version: semver(d.version), description: str(d.description) };
  optional(out, d, 'license', str);
  optional(out, d, 'category', category);
  out.keywords = d.keywords === undefined ? [] : strings(d.keywords);
  optional(out, d, 'repository', str);
  optional(out, d, 'homepage', str);
  out.integrity = integrity(d.integrity);
  out.tarball = str(d.tarball);
  out.size = nonnegative(d.size);
  out.fileCount = nonnegative(d.fileCount);
  out.dependencies = record(d.dependencies, bundleName, range);
  out.skills = array(d.skills, skillSummary);
  out.pipelines = d.pipelines === undefined ? [] : strings(d.pipelines);
  out.capabilities = capabilities(d.capabilities);
  optional(out, d, 'deprecated', str);
  optional(out, d, 'yanked', (y) => (typeof y === 'boolean' ? y : no()));
  out.publishedAt = str(d.publishedAt);
  optional(out, d, 'publishedBy', str);
  out.warnings = array(d.warnings, warning);
  optional(out, d, 'signature', signature);
  return out;
}

const BUNDLE_KEYS = new Set([
  'name',
  'description',
  'category',
  'keywords',
  'distTags',
  'versions',
  'owners',
  'downloads',
  'createdAt',
  'updatedAt',
]);
function bundleDocument(v: unknown): BundleDocument {
  const d = strict(v, BUNDLE_KEYS);
  const out: Obj = { name: bundleName(d.name), description: str(d.description) };
  optional(out, d, 'category', category);
  out.keywords = d.keywords === undefined ? [] : strings(d.keywords);
  out.distTags = record(d.distTags, str, semver);
  out.versions = record(d.versions, semver, versionDocument);
  out.owners = strings(d.owners);
  out.downloads = nonnegative(d.downloads);
  optional(out, d, 'createdAt', str);
  optional(out, d, 'updatedAt', str);
  return out as BundleDocument;
}

const OK_KEYS = new Set(['status', 'etag', 'document']);
const NOT_MODIFIED_KEYS = new Set(['status', 'etag']);
function documentsEntry(v: unknown): Obj {
  // only the two answers an install expects; a 404 entry goes to zod
  const status = typeof v === 'object' && v !== null ? (v as Obj).status : undefined;
  if (status === 200) {
    const d = strict(v, OK_KEYS);
    return { status, etag: str(d.etag), document: bundleDocument(d.document) };
  }
  if (status === 304) return { status, etag: str(strict(v, NOT_MODIFIED_KEYS).etag) };
  return no();
}

const RESPONSE_KEYS = new Set(['results']);
function documentsResponse(v: unknown): BundleDocumentsResponse {
  return {
    results: record(strict(v, RESPONSE_KEYS).results, str, documentsEntry),
  } as BundleDocumentsResponse;
}

/**
 * `bundleDocumentSchema.parse(data)` when the document passes the hand-written check, else
 * undefined (invalid, or a form the check leaves to zod). Exported for the agreement test.
 */
export function checkBundleDocument(data: unknown): BundleDocument | undefined {
  return attempt(bundleDocument, data);
}

/** The same for a `POST /v1/bundles/-/documents` answer of 200 and 304 entries. */
export function checkBundleDocumentsResponse(data: unknown): BundleDocumentsResponse | undefined {
  return attempt(documentsResponse, data);
}

/**
 * `bundleDocumentSchema.safeParse`, with the same answers, without building the zod schema for
 * a valid document (what a command that reads bundle documents parses).
 * @example bundleDocumentParser.safeParse(JSON.parse(body)).data?.versions
 */
export const bundleDocumentParser = checkedFirst(checkBundleDocument, bundleDocumentSchema);

/** `bundleDocumentsResponseSchema.safeParse` the same way. */
export const bundleDocumentsResponseParser = checkedFirst(
  checkBundleDocumentsResponse,
  bundleDocumentsResponseSchema,
);

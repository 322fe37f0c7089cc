import type { z } from 'zod';
import {
  type BundleDocument,
  type BundleDocumentsResponse,
  bundleDocumentSchema,
  bundleDocumentsResponseSchema,
} from './api-documents.ts';
import { CATEGORIES } from './bundle-manifest.ts';
import { BUNDLE_NAME_PATTERN, SKILL_NAME_MAX, SKILL_NAME_PATTERN } from './names.ts';
import { INTEGRITY_PATTERN, RANGE_PATTERN, SEMVER_PATTERN } from './semver-text.ts';
import { CONTENT_WARNING_CODES } from './warnings.ts';

// Bundle documents checked without zod. Building `bundleDocumentSchema` costs a fresh CLI process
// ~10 ms before its first parse, and an install checks 20 documents (kept or fetched) and nothing
// else of that size. This checker accepts a subset of what the schema accepts and gives the same
// output (defaults filled in, keys in the schema's order, new objects and arrays); anything
// else, valid or not, goes to zod, which has the last word and the error messages.
// `test/bundle-document-check.test.ts` holds the two together on generated documents.

/** Thrown inside the checker when a value is not one it vouches for; never escapes it. */
class NotChecked extends Error {}

function no(): never {
  throw new NotChecked();
}

type Obj = Record<string, unknown>;

/** A plain object (JSON's kind) with no key outside `keys`. */
function strict(v: unknown, keys: ReadonlySet<string>): Obj {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) no();
  for (const k in v) if (!keys.has(k)) no();
  return v as Obj;
}

/** Copies `from[key]` through `check` when it is there; an `undefined` value is left to zod. */
function optional(out: Obj, from: Obj, key: string, check: (v: unknown) => unknown): void {
  const v = from[key];
  if (v !== undefined) out[key] = check(v);
  else if (key in from) no();
}

function record<T>(v: unknown, key: (k: string) => unknown, value: (v: unknown) => T): Record<string, T> {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) no();
  const out: Record<string, T> = {};
  for (const k of Reflect.ownKeys(v)) {
    // zod skips `__proto__` and non-enumerable keys and refuses symbols: all left to it
    if (typeof k !== 'string' || k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) no();
    key(k);
    out[k] = value((v as Obj)[k]);
  }
  return out;
}

function array<T>(v: unknown, item: (v: unknown) => T, max = Number.POSITIVE_INFINITY): T[] {
  if (!Array.isArray(v) || v.length > max) no();
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i]);
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : no();
}

function text(v: unknown, min: number, max: number, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) no();
  if (pattern && !pattern.test(v)) no();
  return v;
}

function count(v: unknown, min: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : no();
}

function oneOf<T>(values: ReadonlySet<unknown>): (v: unknown) => T {
  return (v) => (values.has(v) ? (v as T) : no());
}

const semver = (v: unknown) => text(v, 0, 256, SEMVER_PATTERN);
const skillName = (v: unknown) => text(v, 1, SKILL_NAME_MAX, SKILL_NAME_PATTERN);
const range = (v: unknown) => text(v, 1, 256, RANGE_PATTERN);
const integrity = (v: unknown) => text(v, 0, Number.POSITIVE_INFINITY, INTEGRITY_PATTERN);
const category = oneOf(new Set(CATEGORIES));
const warningCode = oneOf(new Set(CONTENT_WARNING_CODES));
const strings = (v: unknown) => array(v, str);
const nonnegative = (v: unknown) => count(v, 0);

function bundleName(v: unknown): string {
  if (typeof v !== 'string' || v.length > SKILL_NAME_MAX * 2 + 2) no();
  const m = BUNDLE_NAME_PATTERN.exec(v);
  return m && m[2]!.length <= SKILL_NAME_MAX ? v : no();
}

const SIGNATURE_KEYS = new Set(['keyid', 'sig']);
function signature(v: unknown): Obj {
  const d = strict(v, SIGNATURE_KEYS);
  return { keyid: str(d.keyid), sig: str(d.sig) };
}

const SKILL_KEYS = new Set(['name', 'description', 'path', 'allowedTools']);
function skillSummary(v: unknown): Obj {
  const d = strict(v, SKILL_KEYS);
  const out: Obj = { name: skillName(d.name), description: str(d.description), path: str(d.path) };
  optional(out, d, 'allowedTools', str);
  return out;
}

const CAPABILITY_KEYS = new Set(['network', 'exec', 'env', 'write']);
const capabilityList = (v: unknown) => array(v, (s) => text(s, 1, 256), 256);
function capabilities(v: unknown): Obj {
  const d = strict(v, CAPABILITY_KEYS);
  const out: Obj = {};
  for (const k of CAPABILITY_KEYS) optional(out, d, k, capabilityList);
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

/** What `check` makes of `data`, or undefined when it leaves `data` to zod. */
function attempt<T>(check: (v: unknown) => T, data: unknown): T | undefined {
  try {
    return check(data);
  } catch (err) {
    if (err instanceof NotChecked) return undefined;
    throw err;
  }
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

/** A `safeParse` that answers from `check` when it can and asks `schema` otherwise. */
function checkedFirst<T>(
  check: (data: unknown) => T | undefined,
  schema: z.ZodType<T>,
): { safeParse(data: unknown): z.ZodSafeParseResult<T> } {
  return {
    safeParse(data) {
      const checked = check(data);
      return checked !== undefined ? { success: true, data: checked } : schema.safeParse(data);
    },
  };
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

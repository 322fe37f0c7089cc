import { type SearchResponse, searchResponseSchema } from './api-documents.ts';
import {
  array,
  attempt,
  bundleName,
  category,
  checkedFirst,
  nonnegative,
  num,
  type Obj,
  optional,
  semver,
  str,
  strict,
  strings,
} from './checks.ts';

// Search answers checked without zod, as bundle-document-check.ts does for documents: an install
// reads its kept look-alike searches (one per name) and nothing else needs searchResponseSchema.
// Same rule: a subset of what the schema accepts with the same output; the rest goes to zod.
// `test/search-response-check.test.ts` holds the two together.

const HIT_KEYS = new Set(['name', 'version', 'description', 'category', 'keywords', 'downloads', 'score']);
function hit(v: unknown): Obj {
  const d = strict(v, HIT_KEYS);
  const out: Obj = { name: bundleName(d.name), version: semver(d.version), description: str(d.description) };
  optional(out, d, 'category', category);
  out.keywords = d.keywords === undefined ? [] : strings(d.keywords);
  out.downloads = nonnegative(d.downloads);
  out.score = num(d.score);
  return out;
}

const RESPONSE_KEYS = new Set(['total', 'results']);
function searchResponse(v: unknown): SearchResponse {
  const d = strict(v, RESPONSE_KEYS);
  return { total: nonnegative(d.total), results: array(d.results, hit) } as SearchResponse;
}

/**
 * `searchResponseSchema.parse(data)` when the answer passes the hand-written check, else
 * undefined (invalid, or a form the check leaves to zod). Exported for the agreement test.
 */
export function checkSearchResponse(data: unknown): SearchResponse | undefined {
  return attempt(searchResponse, data);
}

/** `searchResponseSchema.safeParse`, with the same answers, without building the schema. */
export const searchResponseParser = checkedFirst(checkSearchResponse, searchResponseSchema);

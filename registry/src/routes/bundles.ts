import {
  bundleDocumentsRequestSchema,
  type PublishResult,
  semverSchema,
  BUNDLE_VERSION_HEADER as VERSION_HEADER,
} from '@skills/schemas';
import type { Context, Hono } from 'hono';
import { RegistryError } from '../errors.ts';
import { requestInfo, requireActor } from '../http/auth.ts';
import { readJson } from '../http/body.ts';
import { bundleName, bundlePaths, publicOrigin, VERSION_PARAM } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { documentHeaders } from '../http/hot-headers.ts';
import { plainAnswer } from '../http/plain-answer.ts';
import { tarballResponse } from '../http/tarball-response.ts';
import { uploadBody } from '../http/upload-body.ts';
import { getBundleDocument } from '../services/get-bundle-document.ts';
import { type BundleDocumentsItem, getBundleDocuments } from '../services/get-bundle-documents.ts';
import { getTarball } from '../services/get-tarball.ts';
import { getVersionDocument } from '../services/get-version-document.ts';
import { publishBundle } from '../services/publish-bundle.ts';
import { takeRateLimit } from '../services/take-rate-limit.ts';

/** Upload media types a publish accepts. */
const TARBALL_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'];

export function bundleRoutes(app: Hono<AppEnv>): void {
  // Many documents in one answer; `-` is no bundle name, so this never shadows one.
  app.post('/v1/bundles/-/documents', async (c) => {
    const { names, ifNoneMatch } = await readJson(c, bundleDocumentsRequestSchema);
    const items = await getBundleDocuments({
      deps: c.get('deps'),
      input: { names, origin: publicOrigin(c), ...(ifNoneMatch ? { ifNoneMatch } : {}) },
    });
    c.header('Cache-Control', 'no-store');
    c.header('Content-Type', 'application/json; charset=utf-8');
    return c.body(documentsJson(items), 200);
  });

  app.on('GET', bundlePaths(), async (c) => {
    const result = await getBundleDocument({
      deps: c.get('deps'),
      input: { name: bundleName(c), origin: publicOrigin(c), ifNoneMatch: c.req.header('if-none-match') },
    });
    if (result.notModified) return plainAnswer(c, 304, null, documentHeaders(result.etag, false));
    return plainAnswer(c, 200, result.body, documentHeaders(result.etag, true));
  });

  app.on('GET', bundlePaths(VERSION_PARAM), async (c) => {
    const doc = await getVersionDocument({
      deps: c.get('deps'),
      input: { name: bundleName(c), version: c.req.param('version') ?? '', origin: publicOrigin(c) },
    });
    c.header('Cache-Control', 'no-cache');
    return c.json(doc);
  });

  app.on('GET', bundlePaths('/-/:file'), async (c) => {
    const result = await getTarball({
      deps: c.get('deps'),
      input: {
        name: bundleName(c),
        file: c.req.param('file') ?? '',
        ifNoneMatch: c.req.header('if-none-match'),
      },
    });
    return tarballResponse(c, result, 'application/gzip');
  });

  // Every attempt counts in skills_publishes_total: ok for the 201, refused for any error answer.
  app.on('PUT', bundlePaths(), async (c) => {
    const { metrics } = c.get('deps');
    try {
      const result = await publish(c);
      metrics.publish('ok');
      // Plain headers, as the hot GETs: `c.json` goes through a WHATWG Headers and Response.
      return plainAnswer(c, 201, JSON.stringify(result), { 'Content-Type': 'application/json' });
    } catch (error) {
      metrics.publish('refused');
      throw error;
    }
  });
}

/**
 * `{"results": {NAME: entry}}` (bundleDocumentsResponseSchema), built around each document's
 * cached JSON text rather than parsing and serialising it again.
 */
function documentsJson(items: BundleDocumentsItem[]): string {
  const entries = items.map((item) => {
    const key = JSON.stringify(item.name);
    if (item.missing)
      return `${key}:${JSON.stringify({ status: 404, error: { code: 'NOT_FOUND', message: item.message } })}`;
    const { result } = item;
    const etag = JSON.stringify(result.etag);
    return result.notModified
      ? `${key}:{"status":304,"etag":${etag}}`
      : `${key}:{"status":200,"etag":${etag},"document":${result.body}}`;
  });
  return `{"results":{${entries.join(',')}}}`;
}

// Everything up to publishBundle's own checks runs before a byte of the body is read; an answer
// given with the body unread closes the connection rather than draining it.
async function publish(c: Context<AppEnv>): Promise<PublishResult> {
  const upload = uploadBody(c);
  try {
    const deps = c.get('deps');
    const name = bundleName(c);
    const actor = await requireActor(c, { scope: 'publish' });
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!TARBALL_TYPES.includes(type)) {
      throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', 'send the .tgz with content-type: application/gzip');
    }
    const version = declaredVersion(c);
    await takeRateLimit({ deps, input: { kind: 'publish', who: `~${actor.username}` } });
    const tag = c.req.query('tag');
    return await publishBundle({
      deps,
      input: {
        name,
        body: upload.read,
        actor,
        request: requestInfo(c),
        ...(version !== undefined ? { version } : {}),
        ...(tag !== undefined ? { tag } : {}),
      },
    });
  } catch (error) {
    if (!upload.consumed) c.header('Connection', 'close');
    throw error;
  } finally {
    upload.release();
  }
}

/**
 * The `Skills-Bundle-Version` header: the version the body's manifest holds, declared up front.
 * @throws RegistryError BAD_REQUEST when it is not a semver version.
 */
function declaredVersion(c: Context<AppEnv>): string | undefined {
  const header = c.req.header(VERSION_HEADER);
  if (header === undefined) return undefined;
  const parsed = semverSchema.safeParse(header);
  if (!parsed.success)
    throw new RegistryError(
      'BAD_REQUEST',
      `${VERSION_HEADER}: "${header.slice(0, 60)}" is not a semver version`,
    );
  return parsed.data;
}

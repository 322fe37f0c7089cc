import {
  bundleDocumentSchema,
  deprecateRequestSchema,
  distTagRequestSchema,
  distTagSchema,
  publishResultSchema,
  versionDocumentSchema,
} from '@skills/schemas';
import {
  distTagsShape,
  ETAG_HEADER,
  NOT_MODIFIED,
  ownersShape,
  scopeOwnersShape,
  tarballShape,
} from './components.ts';
import type { ApiRoute } from './route-table.ts';

const NAME = '/v1/bundles/{name}';
const VERSION = `${NAME}/{version}`;

/** The bundle and lifecycle part of API_ROUTES (route-table.ts). */
export const BUNDLE_ROUTES: ApiRoute[] = [
  {
    method: 'put',
    path: NAME,
    operationId: 'publish',
    summary: 'Publish a version',
    description:
      'The body is the `.tgz`; everything is read from it, and its manifest name must equal NAME. Send the manifest version as the `Skills-Bundle-Version` header: ownership, scope, name and a taken version are then all refused before the body is read (400 VERSION_MISMATCH when the archive says otherwise). 422 INVALID_BUNDLE lists every problem in `error.problems`; 503 (with Retry-After) when the upload workers or the upload bytes in flight are at their cap.',
    tag: 'bundles',
    auth: 'publish',
    query: { tag: { schema: distTagSchema, description: 'Also point this dist-tag at the new version.' } },
    body: {
      schema: tarballShape,
      contentTypes: ['application/gzip', 'application/x-gzip', 'application/octet-stream'],
      description: 'The bundle tarball, at most 10 MiB.',
    },
    responses: { 201: { description: 'Published.', schema: publishResultSchema } },
    errors: [400, 401, 403, 408, 409, 413, 415, 422, 429],
  },
  {
    method: 'get',
    path: NAME,
    operationId: 'getBundle',
    summary: 'A bundle document',
    tag: 'bundles',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'Every version, dist-tags, owners, downloads.',
        schema: bundleDocumentSchema,
        headers: ETAG_HEADER,
      },
      302: {
        description:
          'Presigning blob store only: `Location` is a signed URL of the bytes, valid for the configured seconds.',
        headers: { ...ETAG_HEADER, Location: 'The signed URL.' },
      },
      304: NOT_MODIFIED,
    },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: VERSION,
    operationId: 'getVersion',
    summary: 'A version document',
    tag: 'bundles',
    auth: 'none',
    responses: { 200: { description: 'One version.', schema: versionDocumentSchema } },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: `${NAME}/-/{file}`,
    operationId: 'getTarball',
    summary: 'A tarball',
    description:
      'The exact published bytes; immutable. A 200 (or 302) counts a download. With a blob store that presigns (`s3://…?presign=SECONDS`) the answer is a 302 to a signed S3 URL serving the same bytes.',
    tag: 'bundles',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'The tarball.',
        schema: tarballShape,
        contentType: 'application/gzip',
        headers: ETAG_HEADER,
      },
      304: NOT_MODIFIED,
    },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: `${NAME}/dist-tags`,
    operationId: 'getDistTags',
    summary: 'Dist-tags',
    tag: 'bundles',
    auth: 'none',
    responses: { 200: { description: '`{TAG: VER}`', schema: distTagsShape } },
    errors: [400, 404],
  },
  {
    method: 'put',
    path: `${NAME}/dist-tags/{tag}`,
    operationId: 'setDistTag',
    summary: 'Point a dist-tag',
    description: '`latest` to a version other than the automatic one pins it there.',
    tag: 'lifecycle',
    auth: 'publish',
    body: { schema: distTagRequestSchema },
    responses: { 200: { description: 'The dist-tags after the change.', schema: distTagsShape } },
    errors: [400, 401, 403, 404, 409, 413],
  },
  {
    method: 'delete',
    path: `${NAME}/dist-tags/{tag}`,
    operationId: 'removeDistTag',
    summary: 'Remove a dist-tag',
    description: '`latest` cannot be removed (400).',
    tag: 'lifecycle',
    auth: 'publish',
    responses: { 200: { description: 'The dist-tags after the change.', schema: distTagsShape } },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: `${NAME}/owners`,
    operationId: 'getOwners',
    summary: 'Owners of a bundle',
    tag: 'bundles',
    auth: 'none',
    responses: { 200: { description: 'Usernames.', schema: ownersShape } },
    errors: [400, 404],
  },
  ...(['put', 'delete'] as const).flatMap((method): ApiRoute[] => {
    const verb = method === 'put' ? 'Add' : 'Remove';
    const conflict = method === 'delete' ? ' 409 CONFLICT when it would leave none.' : '';
    return [
      {
        method,
        path: `${NAME}/owners/{user}`,
        operationId: `${verb.toLowerCase()}Owner`,
        summary: `${verb} an owner of a bundle`,
        description: `By an owner of the bundle or its scope, or an admin.${conflict}`,
        tag: 'lifecycle',
        auth: 'publish',
        responses: { 200: { description: 'The owners after the change.', schema: ownersShape } },
        errors: [400, 401, 403, 404, 409],
      },
      {
        method,
        path: '/v1/scopes/{scope}/owners/{user}',
        operationId: `${verb.toLowerCase()}ScopeOwner`,
        summary: `${verb} an owner of a scope`,
        description: `By an owner of the scope, or an admin.${conflict}`,
        tag: 'lifecycle',
        auth: 'publish',
        responses: { 200: { description: 'The owners after the change.', schema: scopeOwnersShape } },
        errors: [400, 401, 403, 404, 409],
      },
    ];
  }),
  {
    method: 'get',
    path: '/v1/scopes/{scope}',
    operationId: 'getScope',
    summary: 'Owners of a scope',
    description: '404 while nobody has published in it.',
    tag: 'bundles',
    auth: 'none',
    responses: { 200: { description: 'The scope and its owners.', schema: scopeOwnersShape } },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: `${VERSION}/deprecate`,
    operationId: 'deprecate',
    summary: 'Deprecate a version',
    description: 'An empty message un-deprecates.',
    tag: 'lifecycle',
    auth: 'publish',
    body: { schema: deprecateRequestSchema },
    responses: {
      200: { description: 'The version document after the change.', schema: versionDocumentSchema },
    },
    errors: [400, 401, 403, 404, 413],
  },
  ...(['yank', 'unyank'] as const).map(
    (action): ApiRoute => ({
      method: 'post',
      path: `${VERSION}/${action}`,
      operationId: action,
      summary: action === 'yank' ? 'Yank a version' : 'Unyank a version',
      description: 'Yanked versions are never picked for a new resolution but still install from a lockfile.',
      tag: 'lifecycle',
      auth: 'publish',
      responses: {
        200: { description: 'The version document after the change.', schema: versionDocumentSchema },
      },
      errors: [400, 401, 403, 404],
    }),
  ),
];

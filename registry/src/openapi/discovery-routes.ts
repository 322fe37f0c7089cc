import { discoveryIndexSchema } from '@skills/schemas';
import { ETAG_HEADER, NOT_MODIFIED, tarballShape } from './components.ts';
import type { ApiRoute } from './route-table.ts';

const WELL_KNOWN = '/bundles/{name}/.well-known/agent-skills';

/** The discovery part of API_ROUTES (route-table.ts): docs/http-api.md, "Discovery index". */
export const DISCOVERY_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/.well-known/agent-skills/index.json',
    operationId: 'discoveryIndex',
    summary: 'Agent Skills discovery index',
    description:
      'The most downloaded skills (at most 100), one entry per skill of the `latest` version of the most downloaded bundles. When two bundles have a skill of the same name, the more downloaded bundle’s is listed.',
    tag: 'discovery',
    auth: 'none',
    responses: { 200: { description: 'Discovery index v0.2.0.', schema: discoveryIndexSchema } },
    errors: [],
  },
  {
    method: 'get',
    path: `${WELL_KNOWN}/index.json`,
    operationId: 'bundleDiscoveryIndex',
    summary: 'A bundle’s discovery index',
    description:
      'Every skill of the bundle’s `latest` version: `skills add ORIGIN/bundles/NAME` installs them.',
    tag: 'discovery',
    auth: 'none',
    responses: { 200: { description: 'Discovery index v0.2.0.', schema: discoveryIndexSchema } },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: `${WELL_KNOWN}/{version}/{archive}`,
    operationId: 'getSkillArchive',
    summary: 'A skill archive',
    description:
      'The tar.gz of one skill’s folder, `SKILL.md` at its root; deterministic and immutable. Its sha256 is the index entry’s `digest`.',
    tag: 'discovery',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'The archive.',
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
    path: `${WELL_KNOWN}/{version}/{skill}/SKILL.md`,
    operationId: 'getSkillMd',
    summary: 'A lone SKILL.md',
    description: 'The published bytes of a skill that is only its SKILL.md; immutable.',
    tag: 'discovery',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'The SKILL.md.',
        schema: { type: 'string' },
        contentType: 'text/markdown',
        headers: ETAG_HEADER,
      },
      304: NOT_MODIFIED,
    },
    errors: [400, 404],
  },
];

import { z } from 'zod';
import { skillNameSchema } from './names.ts';

/** The `$schema` of an Agent Skills discovery index v0.2.0; clients read the entries as v0.2 only with it. */
export const DISCOVERY_SCHEMA_URL = 'https://schemas.agentskills.io/discovery/0.2.0/schema.json';

/** The longest description a discovery entry may carry. */
export const DISCOVERY_DESCRIPTION_MAX = 1024;

/**
 * One skill of a discovery index: `skill-md` when the skill is only its SKILL.md (the URL serves
 * those bytes), `archive` otherwise (a tar.gz with SKILL.md at its root). `url` is absolute or
 * relative to the index's URL; `digest` is the sha256 of the bytes the URL serves.
 */
export const discoverySkillSchema = z.lazy(() =>
  z.strictObject({
    name: skillNameSchema,
    type: z.enum(['skill-md', 'archive']),
    description: z
      .string()
      .min(1, 'must not be empty')
      .max(DISCOVERY_DESCRIPTION_MAX, `must be at most ${DISCOVERY_DESCRIPTION_MAX} characters`),
    url: z.string().min(1, 'must not be empty'),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: and 64 lowercase hex digits'),
  }),
);
export type DiscoverySkill = z.infer<typeof discoverySkillSchema>;

/**
 * `GET /.well-known/agent-skills/index.json` and `GET /bundles/NAME/.well-known/agent-skills/index.json`:
 * the Agent Skills discovery index v0.2.0. One entry per skill, names unique within an index.
 */
export const discoveryIndexSchema = z.lazy(() =>
  z
    .strictObject({
      $schema: z.literal(DISCOVERY_SCHEMA_URL),
      skills: z.array(discoverySkillSchema),
    })
    .refine((index) => new Set(index.skills.map((s) => s.name)).size === index.skills.length, {
      message: 'skill names must be unique',
      path: ['skills'],
    }),
);
export type DiscoveryIndex = z.infer<typeof discoveryIndexSchema>;

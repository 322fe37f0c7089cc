import { z } from 'zod';
import { skillNameSchema } from './names.ts';
import type { Problem } from './problems.ts';

/** Keys of the Agent Skills specification; any other key is a warning (an error with `--strict`). */
export const FRONTMATTER_KEYS = [
  'name',
  'description',
  'license',
  'compatibility',
  'metadata',
  'allowed-tools',
] as const;

/** The SKILL.md frontmatter (agentskills.io), without the folder-name rule, which needs the path. */
export const skillFrontmatterSchema = z.lazy(() =>
  z.looseObject({
    name: skillNameSchema,
    description: z
      .string({ error: 'is required and must be a string' })
      .min(1, 'must not be empty')
      .max(1024, 'must be at most 1024 characters'),
    license: z.string().max(1024).optional(),
    compatibility: z.string().max(500, 'must be at most 500 characters').optional(),
    metadata: z.record(z.string(), z.string({ error: 'values must be strings' })).optional(),
    /**
     * The specification's form is one space-separated string; a YAML list of strings (which Claude
     * Code also reads) is accepted and normalised to that string. The archive warns about the list.
     */
    'allowed-tools': z
      .union([z.string(), z.array(z.string())], {
        error: 'must be one space-separated string (or a list of strings)',
      })
      .transform((v) =>
        typeof v === 'string'
          ? v
          : v
              .map((t) => t.trim())
              .filter(Boolean)
              .join(' '),
      )
      .optional(),
  }),
);

export type SkillFrontmatter = z.infer<typeof skillFrontmatterSchema>;

/**
 * Lists frontmatter keys outside the specification as warnings at `file`.
 * @example unknownFrontmatterKeys({ name: 'a', context: 'fork' }, 'SKILL.md') // one UNKNOWN_KEY warning
 */
export function unknownFrontmatterKeys(frontmatter: Record<string, unknown>, file: string): Problem[] {
  const known = new Set<string>(FRONTMATTER_KEYS);
  return Object.keys(frontmatter)
    .filter((k) => !known.has(k))
    .map((k) => ({
      path: `${file}: frontmatter.${k}`,
      message: `"${k}" is not a key of the Agent Skills specification; agents other than the one that defines it ignore it`,
      severity: 'warning' as const,
      code: 'UNKNOWN_KEY',
    }));
}

import { z } from 'zod';
import { capabilitiesSchema } from './capabilities.ts';
import { bundleNameSchema } from './names.ts';
import { publishableVersionSchema, rangeSchema } from './semver-text.ts';

export const CATEGORIES = [
  'design',
  'frontend',
  'deploy',
  'docs',
  'testing',
  'data',
  'security',
  'productivity',
  'other',
] as const;
export const categorySchema = z.lazy(() =>
  z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` }),
);
export type Category = z.infer<typeof categorySchema>;

const url = z
  .string()
  .max(2048)
  .regex(/^https?:\/\//, 'must be an http(s) URL');

/** `skill.json`, the bundle manifest at a bundle's root. */
export const bundleManifestSchema = z.lazy(() =>
  z.strictObject({
    $schema: z.string().optional(),
    name: bundleNameSchema,
    version: publishableVersionSchema,
    description: z.string().min(1).max(1024, 'must be at most 1024 characters').optional(),
    license: z.string().max(256).optional(),
    category: categorySchema.optional(),
    keywords: z.array(z.string().min(1).max(64)).max(32, 'at most 32 keywords').optional(),
    repository: url.optional(),
    homepage: url.optional(),
    dependencies: z.record(bundleNameSchema, rangeSchema).optional(),
    capabilities: capabilitiesSchema.optional(),
  }),
);

export type BundleManifest = z.infer<typeof bundleManifestSchema>;

import { z } from 'zod';
import { bundleManifestSchema } from './bundle-manifest.ts';
import { discoveryIndexSchema } from './discovery-index.ts';
import { lockfileSchema } from './lockfile.ts';
import { pipelineSchema } from './pipeline.ts';
import { projectManifestSchema } from './project-manifest.ts';

/** The file formats editors validate, by the file name of their generated JSON Schema. */
export const FILE_SCHEMAS = {
  'skill.schema.json': { schema: bundleManifestSchema, title: 'skill.json: an agent skills bundle manifest' },
  'skills.schema.json': { schema: projectManifestSchema, title: 'skills.json: a project manifest' },
  'skills-lock.schema.json': { schema: lockfileSchema, title: 'skills-lock.json: the lockfile' },
  'pipeline.schema.json': { schema: pipelineSchema, title: 'an agent skills pipeline' },
  'agent-skills-index.schema.json': {
    schema: discoveryIndexSchema,
    title: '.well-known/agent-skills/index.json: an Agent Skills discovery index (v0.2.0)',
  },
} as const;

/**
 * Renders every file format as JSON Schema (draft 2020-12), as the text committed in `schemas/json/`.
 * @example renderJsonSchemas()['skill.schema.json'] // '{\n  "$schema": …'
 */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, { schema, title }] of Object.entries(FILE_SCHEMAS)) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    out[file] = `${JSON.stringify({ ...json, title }, null, 2)}\n`;
  }
  return out;
}

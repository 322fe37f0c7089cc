import type {
  BundleManifest,
  Capabilities,
  ContentWarning,
  Pipeline,
  Problem,
  SkillFrontmatter,
} from '@skills/schemas';
import type { BundleFile } from './types.ts';

export interface InspectedSkill {
  name: string;
  path: string;
  frontmatter: SkillFrontmatter;
  body: string;
}
export interface InspectOptions {
  strict?: boolean;
}
export interface BundleInspection {
  manifest: BundleManifest | undefined;
  skills: InspectedSkill[];
  pipelines: { path: string; pipeline: Pipeline }[];
  capabilities: Capabilities;
  problems: Problem[];
  warnings: ContentWarning[];
  ok: boolean;
}
export function inspectBundle(_files: BundleFile[], _options: InspectOptions = {}): BundleInspection {
  throw new Error('not implemented');
}

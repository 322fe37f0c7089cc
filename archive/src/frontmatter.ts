import type { Problem } from '@skills/schemas';

export interface SkillMdParts {
  frontmatter: Record<string, unknown> | undefined;
  body: string;
  problems: Problem[];
}
export function splitSkillMd(_file: string, _text: string): SkillMdParts {
  throw new Error('not implemented');
}

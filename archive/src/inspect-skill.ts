import {
  issuesToProblems,
  type Problem,
  type SkillFrontmatter,
  skillFrontmatterSchema,
  unknownFrontmatterKeys,
} from '@skills/schemas';
import { splitSkillMd } from './frontmatter.ts';
import { decodeText } from './text.ts';
import type { BundleFile } from './types.ts';

/** A skill found in a bundle. */
export interface InspectedSkill {
  name: string;
  /** Its folder inside the bundle: `.` for a single-skill bundle, `skills/NAME` otherwise. */
  path: string;
  frontmatter: SkillFrontmatter;
  /** The Markdown body after the frontmatter. */
  body: string;
}

/** Over this many characters (~5,000 tokens) a body is a warning: agents load it whole on activation. */
export const MAX_BODY_CHARS = 20_000;

/** What a skill's `name` must equal: its folder name, or the last segment of the bundle name. */
export type NameRule =
  | { kind: 'folder'; folder: string }
  | { kind: 'bundle'; bundleName: string; last: string };

/**
 * Checks one SKILL.md: frontmatter present and valid YAML, the schema of docs/formats.md, unknown
 * keys (warnings, errors when strict), the name rule, and the body length.
 */
export function inspectSkill(
  file: BundleFile,
  options: { dir: string; nameRule: NameRule | undefined; strict: boolean },
): { skill: InspectedSkill | undefined; problems: Problem[] } {
  const text = decodeText(file.data);
  if (text === undefined) {
    return { skill: undefined, problems: [error(file.path, 'INVALID_ENCODING', 'must be UTF-8 text')] };
  }
  const parts = splitSkillMd(file.path, text);
  if (!parts.frontmatter) return { skill: undefined, problems: parts.problems };

  const problems: Problem[] = [];
  const fm = parts.frontmatter;
  const parsed = skillFrontmatterSchema.safeParse(fm);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error, file.path, 'frontmatter'));
  for (const p of unknownFrontmatterKeys(fm, file.path)) {
    problems.push(options.strict ? { ...p, severity: 'error' } : p);
  }
  const rule = options.nameRule;
  if (parsed.success && rule) {
    const expected = rule.kind === 'folder' ? rule.folder : rule.last;
    if (parsed.data.name !== expected) {
      const message =
        rule.kind === 'folder'
          ? `must equal the folder name "${rule.folder}"`
          : `must equal the last segment of the bundle name "${rule.bundleName}" (skill.json: name)`;
      problems.push(error(`${file.path}: frontmatter.name`, 'NAME_MISMATCH', message));
    }
  }
  if (parts.body.length > MAX_BODY_CHARS) {
    problems.push(
      warning(
        file.path,
        'BODY_TOO_LONG',
        `the body is ${parts.body.length} characters (about ${Math.round(parts.body.length / 4)} tokens); ` +
          'agents load it whole on activation, so keep it under ~5,000 tokens and move detail into references/',
      ),
    );
  } else if (parts.body.trim() === '') {
    problems.push(warning(file.path, 'EMPTY_BODY', 'the body is empty: say what the skill does and how'));
  }
  const skill = parsed.success
    ? { name: parsed.data.name, path: options.dir, frontmatter: parsed.data, body: parts.body }
    : undefined;
  return { skill, problems };
}

export function error(path: string, code: string, message: string): Problem {
  return { path, code, message, severity: 'error' };
}

export function warning(path: string, code: string, message: string): Problem {
  return { path, code, message, severity: 'warning' };
}

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
  if (parsed.success && Array.isArray(fm['allowed-tools'])) {
    const p = warning(
      `${file.path}: frontmatter.allowed-tools`,
      'ALLOWED_TOOLS_LIST',
      'is a YAML list; the Agent Skills specification makes it one space-separated string ' +
        `("${parsed.data['allowed-tools']}"), which is how it is recorded; the file is installed as it is`,
    );
    problems.push(options.strict ? { ...p, severity: 'error' } : p);
  }
  const rule = options.nameRule;
  if (parsed.success && rule) {
    const p = nameRuleProblem(file.path, parsed.data.name, rule);
    if (p) problems.push(options.strict && p.severity === 'warning' ? { ...p, severity: 'error' } : p);
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

/**
 * The name rule broken, if it is. A skill whose name differs from its folder is a warning (real
 * skills do it and agents still load them; the CLI installs it at `.agents/skills/NAME/`), an
 * error under `--strict`; the bundle-name rule is an error, since the registry and the lockfile
 * key the skill by it.
 */
export function nameRuleProblem(file: string, name: string, rule: NameRule): Problem | undefined {
  const expected = rule.kind === 'folder' ? rule.folder : rule.last;
  if (name === expected) return undefined;
  if (rule.kind === 'bundle') {
    return error(
      `${file}: frontmatter.name`,
      'NAME_MISMATCH',
      `must equal the last segment of the bundle name "${rule.bundleName}" (skill.json: name)`,
    );
  }
  return folderNameWarning(`${file}: frontmatter.name`, name, rule.folder);
}

/**
 * The one warning for a skill named unlike its folder, in a bundle's skills/ or as a plain
 * skill folder: it names the rule and where the skill will be installed.
 * @example folderNameWarning('SKILL.md: frontmatter.name', 'deployer', 'deploy').code // 'NAME_MISMATCH'
 */
export function folderNameWarning(path: string, name: string, folder: string): Problem {
  return warning(
    path,
    'NAME_MISMATCH',
    `"${name}" differs from its folder "${folder}" (Agent Skills specification: name must equal ` +
      `the skill's folder name); it will be installed as .agents/skills/${name}/`,
  );
}

export function error(path: string, code: string, message: string): Problem {
  return { path, code, message, severity: 'error' };
}

export function warning(path: string, code: string, message: string): Problem {
  return { path, code, message, severity: 'warning' };
}

import type { Problem } from '@skills/schemas';
import { LineCounter, parseDocument } from 'yaml';
import { simpleFrontmatter } from './simple-frontmatter.ts';

/** A SKILL.md split into its frontmatter and its Markdown body. */
export interface SkillMdParts {
  /** The frontmatter as a plain object; undefined when missing or unreadable (see `problems`). */
  frontmatter: Record<string, unknown> | undefined;
  /** The Markdown after the closing `---` line. */
  body: string;
  /** Missing or unclosed frontmatter, YAML errors (with their line in the file), a non-mapping. */
  problems: Problem[];
}

const OPEN = /^---[ \t]*\r?\n/;
const CLOSE = /^---[ \t]*$/m;

/**
 * Splits a SKILL.md into YAML frontmatter between `---` lines and a Markdown body. Never throws:
 * every defect is a problem located at `file` (and its line, for YAML errors). Aliases are capped,
 * so a YAML "billion laughs" is a problem, not a hang.
 * @example splitSkillMd('SKILL.md', '---\nname: a\n---\n# A').frontmatter // { name: 'a' }
 */
export function splitSkillMd(file: string, text: string): SkillMdParts {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const open = OPEN.exec(source);
  if (!open) {
    return {
      frontmatter: undefined,
      body: source,
      problems: [
        error(
          file,
          'MISSING_FRONTMATTER',
          'must start with YAML frontmatter between "---" lines (name, description)',
        ),
      ],
    };
  }
  const rest = source.slice(open[0].length);
  const close = CLOSE.exec(rest);
  if (!close) {
    return {
      frontmatter: undefined,
      body: '',
      problems: [error(file, 'MISSING_FRONTMATTER', 'the frontmatter is not closed by a "---" line')],
    };
  }
  const yamlText = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length).replace(/^\r?\n/, '');
  const simple = simpleFrontmatter(yamlText);
  if (simple) return { frontmatter: simple, body, problems: [] };
  const parsed = parseYaml(`${file}`, yamlText, 2);
  if (parsed.problems.length > 0) return { frontmatter: undefined, body, problems: parsed.problems };
  if (parsed.value === null || parsed.value === undefined) {
    return {
      frontmatter: undefined,
      body,
      problems: [error(file, 'MISSING_FRONTMATTER', 'the frontmatter is empty')],
    };
  }
  if (!isPlainObject(parsed.value)) {
    return {
      frontmatter: undefined,
      body,
      problems: [error(`${file}: frontmatter`, 'INVALID_YAML', 'must be a YAML mapping of keys to values')],
    };
  }
  return { frontmatter: parsed.value, body, problems: [] };
}

/**
 * Parses YAML text into plain values, reporting syntax errors as problems with their line
 * (`firstLine` is the line of the file the text starts on). Duplicate keys are errors; at most
 * 100 aliases are expanded.
 * @example parseYaml('pipelines/a.yaml', 'a: [', 1).problems[0].path // 'pipelines/a.yaml: line 1'
 */
export function parseYaml(
  file: string,
  text: string,
  firstLine = 1,
): { value: unknown; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const line = lineCounter.linePos(e.pos[0]).line + firstLine - 1;
      return error(`${file}: line ${line}`, 'INVALID_YAML', `YAML error: ${firstLineOf(e.message)}`);
    });
    return { value: undefined, problems };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), problems: [] };
  } catch (e) {
    return {
      value: undefined,
      problems: [error(file, 'INVALID_YAML', `YAML error: ${firstLineOf((e as Error).message)}`)],
    };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set)
  );
}

function firstLineOf(message: string): string {
  return message.split('\n')[0] ?? message;
}

function error(path: string, code: string, message: string): Problem {
  return { path, code, message, severity: 'error' };
}

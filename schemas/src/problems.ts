import type { z } from 'zod';

/** One finding about a file or document: where it is, what is wrong, and how bad. */
export interface Problem {
  /** Where: a file path, optionally followed by `: ` and a field path (`skills/a/SKILL.md: frontmatter.name`). */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** A stable machine code (`NAME_MISMATCH`, `UNKNOWN_KEY`, …) for scripts. */
  code: string;
}

/** Renders a zod issue path (`['steps', 2, 'id']`) as `steps[2].id`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * Turns every zod issue into a Problem located at `file` (and `prefix` within it).
 * @example issuesToProblems(result.error, 'skill.json') // [{ path: 'skill.json: version', … }]
 */
export function issuesToProblems(error: z.ZodError, file: string, prefix = ''): Problem[] {
  return error.issues.map((issue) => {
    const field = [prefix, formatIssuePath(issue.path)].filter(Boolean).join('.');
    return {
      path: field ? `${file}: ${field}` : file,
      message: describeIssue(issue),
      severity: 'error' as const,
      code:
        issue.code === 'custom'
          ? String(issue.params?.code ?? 'INVALID')
          : `INVALID_${issue.code.toUpperCase()}`,
    };
  });
}

/** A record key that fails its rule says which key and why, not zod's generic "Invalid key in record". */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') {
    const key = String(issue.path.at(-1) ?? '');
    const why = issue.issues.map((i) => i.message).join('; ');
    return `the key "${key}" ${why || 'is not allowed'}`;
  }
  return issue.message;
}

/** Formats a problem as one line: `path: message`. */
export function formatProblem(p: Problem): string {
  return `${p.severity === 'warning' ? 'warning' : 'error'} ${p.path}: ${p.message}`;
}

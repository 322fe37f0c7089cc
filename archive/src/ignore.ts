/**
 * What `collectFiles` leaves out of a bundle: version-control folders, dependencies, OS litter,
 * secrets in `.env` files, editor swap files, tarballs at the root, and whatever a
 * `.skillsignore` file lists (gitignore syntax: `*`, `**`, `?`, `/` anchors, trailing `/` for
 * folders, `!` to re-include, `#` comments).
 */

/** Names left out wherever they appear. */
export const IGNORED_NAMES: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini',
  '.env',
  '.skillsignore',
];

/** The ignore file read from a bundle's root; it is not packed itself. */
export const IGNORE_FILE = '.skillsignore';

/**
 * True when the built-in rules leave `relPath` (POSIX, relative to the bundle root) out.
 * @example isIgnored('node_modules') // true
 * @example isIgnored('docs/.env.local') // true
 */
export function isIgnored(relPath: string): boolean {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (IGNORED_NAMES.includes(name)) return true;
  if (name.startsWith('.env.')) return true;
  if (name.endsWith('.swp') || name.endsWith('.swo') || name.endsWith('~')) return true;
  if (!relPath.includes('/') && name.endsWith('.tgz')) return true;
  return false;
}

interface IgnoreRule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** A matcher built from the text of a `.skillsignore`; the last rule that matches decides. */
export type IgnoreMatcher = (relPath: string, isDir: boolean) => boolean;

/**
 * Compiles `.skillsignore` text into a matcher.
 * @example compileIgnore('drafts/\n*.log\n!keep.log')('a/b.log', false) // true
 */
export function compileIgnore(text: string): IgnoreMatcher {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (line === '') continue;
    const body = globToRegex(line);
    rules.push({ regex: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), negate, dirOnly });
  }
  return (relPath, isDir) => {
    let ignored = false;
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.regex.test(relPath)) ignored = !r.negate;
    }
    return ignored;
  };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += escapeRegex(glob[++i]!);
    else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

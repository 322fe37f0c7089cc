/**
 * What `collectFiles` leaves out of a bundle: version-control folders, dependencies, OS litter,
 * secrets in `.env` files, editor swap files, tarballs at the root, and whatever a
 * `.skillsignore` file lists (gitignore syntax).
 */
import ignore from 'ignore';

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

/** A matcher built from the text of a `.skillsignore`; the last rule that matches decides. */
export type IgnoreMatcher = (relPath: string, isDir: boolean) => boolean;

/**
 * Compiles `.skillsignore` text into a matcher with git's own semantics (the `ignore` package,
 * which follows the gitignore documentation to the letter).
 * @example compileIgnore('drafts/\n*.log\n!keep.log')('a/b.log', false) // true
 */
export function compileIgnore(text: string): IgnoreMatcher {
  const rules = ignore({ allowRelativePaths: false }).add(text);
  return (relPath, isDir) => rules.ignores(isDir ? `${relPath}/` : relPath);
}

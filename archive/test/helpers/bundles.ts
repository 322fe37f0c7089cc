import type { BundleFile } from '../../src/index.ts';

/** SKILL.md text with the given frontmatter lines and body. */
export function skillMd(frontmatter: string, body = '# Title\n\nDo the thing.\n'): string {
  return `---\n${frontmatter.trim()}\n---\n${body}`;
}

export function files(tree: Record<string, string>): BundleFile[] {
  return Object.entries(tree).map(([path, text]) => ({ path, data: Buffer.from(text), executable: false }));
}

export const manifest = (fields: Record<string, unknown>): string => JSON.stringify(fields, null, 2);

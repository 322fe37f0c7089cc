import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/ lives directly under it). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Git-ignored home of the tools installed on demand (Verdaccio, the `skills` CLI). */
export const TOOLS_DIR = join(REPO_ROOT, '.bench', 'tools');

/** The built executables under test. */
export const REGISTRY_BIN = join(REPO_ROOT, 'registry', 'dist', 'bin.js');
export const CLI_BIN = join(REPO_ROOT, 'cli', 'dist', 'bin.cjs');

/**
 * A fresh directory under the OS temp dir for one run's state (data dirs, projects, caches).
 * Outside the repository on purpose: the CLI and npm look for a project manifest in parent folders.
 */
export async function makeRunDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `skills-bench-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

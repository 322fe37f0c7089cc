import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Capabilities, lockfileSchema } from '@skills/schemas';

/** The lockfile install writes at the project root. */
export const LOCKFILE_NAME = 'skills-lock.json';

/** What a skill installed from a bundle may use, as the project's lockfile records it. */
export interface InstalledGrant {
  /** The bundle that installed the skill. */
  bundle: string;
  /** The bundle manifest's capabilities, as install recorded them from the archive. */
  capabilities: Capabilities;
}

/**
 * The capabilities of every skill folder install put in `<cwd>/.agents/skills/`, by folder name,
 * read from `<cwd>/skills-lock.json` (the `capabilities` install recorded from each archive's
 * root manifest, the one the registry recorded and install showed). This is the only place a
 * script's permissions come from: a `skill.json` inside a skill folder is an ordinary file of
 * the bundle and grants nothing. No lockfile, or one that does not parse, grants nothing
 * (`problem` says why, for a warning).
 * @example const { grants } = await readInstalledGrants('/repo'); grants.get('deploy')?.capabilities.env
 */
export async function readInstalledGrants(
  cwd: string,
): Promise<{ grants: Map<string, InstalledGrant>; problem?: string }> {
  const grants = new Map<string, InstalledGrant>();
  let text: string;
  try {
    text = await readFile(join(cwd, LOCKFILE_NAME), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { grants };
    return { grants, problem: `cannot read ${LOCKFILE_NAME}: ${(err as NodeJS.ErrnoException).code}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { grants, problem: `${LOCKFILE_NAME} is not valid JSON; no skill is granted capabilities` };
  }
  const parsed = lockfileSchema.safeParse(data);
  if (!parsed.success) {
    return { grants, problem: `${LOCKFILE_NAME} is not a valid lockfile; no skill is granted capabilities` };
  }
  const owners = new Map<string, number>();
  for (const b of Object.values(parsed.data.bundles)) {
    for (const skill of b.skills) owners.set(skill, (owners.get(skill) ?? 0) + 1);
  }
  for (const [bundle, b] of Object.entries(parsed.data.bundles)) {
    for (const skill of b.skills) {
      // A folder two bundles claim is granted nothing rather than the wider of the two.
      if (owners.get(skill) === 1) grants.set(skill, { bundle, capabilities: b.capabilities ?? {} });
    }
  }
  return { grants };
}

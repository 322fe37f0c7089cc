import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';
import { loadSkillArtifacts } from './load-skill-artifacts.ts';

/**
 * The bytes of one skill's discovery artifact (`type` as its URL names it), with their sha256.
 * @throws RegistryError NOT_FOUND for an unknown version or skill, or a skill whose artifact is of
 *   the other type (each artifact has one URL); INTERNAL when a stored blob is missing.
 */
export async function getSkillArtifact({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; version: string; skill: string; type: 'skill-md' | 'archive' };
}): Promise<{ sha256: string; bytes: Buffer }> {
  const { name, version: ver, skill } = input;
  const version = await deps.store.getVersion(name, ver);
  if (!version) throw new RegistryError('NOT_FOUND', `no version ${ver} of ${name}`);
  const artifact = (await loadSkillArtifacts({ deps, input: { version } })).find(
    (a) => a.skill === skill && a.type === input.type,
  );
  if (!artifact) {
    const what = input.type === 'archive' ? 'archive' : 'lone SKILL.md';
    throw new RegistryError(
      'NOT_FOUND',
      `${name}@${ver} has no skill ${skill.slice(0, 64)} served as a ${what}`,
    );
  }
  const bytes = await deps.blobs.get(artifact.sha256);
  if (!bytes)
    throw new RegistryError(
      'INTERNAL',
      `the artifact of ${skill} in ${name}@${ver} is missing from blob storage`,
    );
  return { sha256: artifact.sha256, bytes };
}

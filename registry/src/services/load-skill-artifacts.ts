import { readArchive } from '@skills/archive';
import type { VersionRecord } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { buildSkillArtifacts, type SkillArtifactInfo } from '../domain/skill-artifacts.ts';
import { RegistryError } from '../errors.ts';

/**
 * The discovery artifacts of one version's skills, in the document's skill order. Built from the
 * version's tarball on first use (`buildSkillArtifacts`, deterministic), written to the blob
 * store under their sha256 (content-addressed, idempotent: another process writes the same
 * bytes), and remembered by the tarball's integrity, which fixes them for good.
 * @throws RegistryError INTERNAL when the version's tarball is missing from blob storage.
 */
export async function loadSkillArtifacts({
  deps,
  input,
}: {
  deps: Deps;
  input: { version: VersionRecord };
}): Promise<SkillArtifactInfo[]> {
  const v = input.version;
  const cached = deps.skillArtifacts.get(v.integrity);
  if (cached) return cached;
  const tarball = deps.tarballCache.get(`${v.name}@${v.version}`)?.bytes ?? (await deps.blobs.get(v.sha256));
  if (!tarball) {
    throw new RegistryError('INTERNAL', `the tarball of ${v.name}@${v.version} is missing from blob storage`);
  }
  const { files } = await readArchive(tarball);
  const skills = v.document.skills;
  const built = buildSkillArtifacts(files, skills);
  for (const a of built) await deps.blobs.put(a.sha256, a.bytes);
  const infos = built.map((a) => ({
    skill: a.skill,
    description: skills.find((s) => s.name === a.skill)?.description ?? '',
    type: a.type,
    sha256: a.sha256,
    size: a.bytes.length,
  }));
  deps.skillArtifacts.set(v.integrity, infos);
  return infos;
}

import { createHash } from 'node:crypto';
import { type BundleFile, packFiles, skillFiles } from '@skills/archive';

/** Discovery clients refuse an archive of more files than this (vercel `skills`: 1000). */
export const MAX_SKILL_ARCHIVE_FILES = 1000;

/** One skill of a version as a discovery index serves it. */
export interface SkillArtifact {
  skill: string;
  /** `skill-md` when the skill's folder is its SKILL.md alone, `archive` otherwise. */
  type: 'skill-md' | 'archive';
  /** The SKILL.md bytes as published, or the tar.gz with SKILL.md at its root. */
  bytes: Buffer;
  /** Hex sha256 of `bytes`: the blob key and the index's `digest`. */
  sha256: string;
}

/** What an index entry needs of one skill's artifact; the bytes are in the blob store under `sha256`. */
export interface SkillArtifactInfo {
  skill: string;
  description: string;
  type: 'skill-md' | 'archive';
  sha256: string;
  size: number;
}

/**
 * The artifact of each skill of a bundle, from the bundle's files; a pure function of them, so
 * every process builds the same bytes. An archive is `packFiles` with no root folder (sorted
 * paths, fixed mtime and modes, fixed gzip). A skill of more than `MAX_SKILL_ARCHIVE_FILES`
 * files, or whose SKILL.md is missing, has no artifact.
 * @example buildSkillArtifacts(files, [{ name: 'lint', path: 'skills/lint' }]) // [{ skill: 'lint', type: 'skill-md', … }]
 */
export function buildSkillArtifacts(
  files: readonly BundleFile[],
  skills: readonly { name: string; path: string }[],
): SkillArtifact[] {
  const out: SkillArtifact[] = [];
  for (const skill of skills) {
    const own = skillFiles(files, skill.path);
    const skillMd = own.find((f) => f.path === 'SKILL.md');
    if (!skillMd || own.length > MAX_SKILL_ARCHIVE_FILES) continue;
    const bytes = own.length === 1 ? skillMd.data : packFiles(own, { root: '' });
    out.push({
      skill: skill.name,
      type: own.length === 1 ? 'skill-md' : 'archive',
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return out;
}

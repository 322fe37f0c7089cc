import type { BundleFile, BundleInspection, InspectedSkill } from '@skills/archive';
import { type BundleManifest, bundleManifestSchema, semverSchema } from '@skills/schemas';
import { SkillsError, usageError } from '../errors.ts';

/** What `skills init` and `publish --version` put in a generated skill.json beyond the frontmatter. */
export interface ManifestChoices {
  version: string;
  /** An SPDX expression; without it, the frontmatter's `license` (if any); never a default. */
  license?: string | undefined;
}

/**
 * The skill.json of an existing skill: name and description from its frontmatter, the version
 * (and license) chosen. Key order is the one `skills init` writes.
 * @throws SkillsError USAGE for a version that is not semver, INVALID_BUNDLE when the result is
 * not a valid manifest (a license over 256 characters, say).
 * @example manifestForSkill(skill, { version: '1.0.0' }) // { name: 'deploy', version: '1.0.0', description: '…' }
 */
export function manifestForSkill(skill: InspectedSkill, choices: ManifestChoices): BundleManifest {
  const version = checkedVersion(choices.version);
  const license = choices.license ?? skill.frontmatter.license;
  const candidate = {
    name: skill.name,
    version,
    description: skill.frontmatter.description,
    ...(license !== undefined ? { license } : {}),
  };
  const parsed = bundleManifestSchema.safeParse(candidate);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new SkillsError(
      'INVALID_BUNDLE',
      `a skill.json for ${skill.name} would not be valid: ${first?.path.join('.')}: ${first?.message}`,
      { hint: 'fix the frontmatter, or pass --license with an SPDX expression' },
    );
  }
  return parsed.data;
}

/** `--version` checked as semver, or a usage error naming it. */
export function checkedVersion(version: string): string {
  const v = semverSchema.safeParse(version);
  if (!v.success) {
    throw usageError(`--version "${version}" is not a semantic version`, 'e.g. --version 1.0.0');
  }
  return v.data;
}

/** skill.json as `skills init` writes it and `publish --version` packs it: two-space JSON, a final newline. */
export function manifestFile(manifest: BundleManifest): BundleFile {
  return {
    path: 'skill.json',
    data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    executable: false,
  };
}

/**
 * The skill of a bare skill folder: a root SKILL.md with neither skill.json nor
 * `metadata.version`, which only needs a version to be a bundle. Undefined for anything else.
 */
export function bareSkill(inspection: BundleInspection): InspectedSkill | undefined {
  const missing = inspection.problems.some((p) => p.code === 'MISSING_MANIFEST' && p.path === 'skill.json');
  return missing ? inspection.skills.find((s) => s.path === '.') : undefined;
}

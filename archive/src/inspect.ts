import {
  type BundleManifest,
  bundleManifestSchema,
  type Capabilities,
  type ContentWarning,
  issuesToProblems,
  type Pipeline,
  type Problem,
  parseBundleName,
  publishableVersionSchema,
} from '@skills/schemas';
import { inspectPipelines } from './inspect-pipelines.ts';
import { error, type InspectedSkill, inspectSkill, warning } from './inspect-skill.ts';
import { scanContent } from './scan.ts';
import { decodeText } from './text.ts';
import type { BundleFile } from './types.ts';

export type { InspectedSkill } from './inspect-skill.ts';

export interface InspectOptions {
  /** Unknown frontmatter keys become errors instead of warnings (`skills validate --strict`). */
  strict?: boolean;
}

/** Everything known about a bundle from its files. */
export interface BundleInspection {
  /** From skill.json, or synthesised from a lone SKILL.md with `metadata.version`; undefined when neither is valid. */
  manifest: BundleManifest | undefined;
  /** Every skill whose frontmatter is valid, in path order. */
  skills: InspectedSkill[];
  pipelines: { path: string; pipeline: Pipeline }[];
  /** `manifest.capabilities`, or `{}`. */
  capabilities: Capabilities;
  /** Every error and warning, located as `FILE` or `FILE: field` (`skills/a/SKILL.md: frontmatter.name`). */
  problems: Problem[];
  /** Findings of the content scan (docs/security.md row 16) over every text file. */
  warnings: ContentWarning[];
  /** True when no problem has severity `error`. */
  ok: boolean;
}

const MULTI_SKILL = /^skills\/([^/]+)\/SKILL\.md$/;

/**
 * Checks a bundle's files against docs/formats.md and scans their text. Never throws on bad
 * content: every defect is a problem, and all of them are collected.
 * - `skill.json` is validated with `bundleManifestSchema`; without it, a root SKILL.md whose
 *   frontmatter has a semver `metadata.version` makes a single-skill bundle named after the skill.
 * - Single-skill (`SKILL.md` at the root, its name equal to the bundle name's last segment) or
 *   multi-skill (`skills/NAME/SKILL.md`, each name equal to its folder), not both; at least one skill.
 * - `pipelines/*.yaml` validated with `pipelineSchema`; steps naming skills outside the bundle warn.
 * @example
 * const result = inspectBundle(await collectFiles(dir), { strict: true });
 * if (!result.ok) for (const p of result.problems) console.error(formatProblem(p));
 */
export function inspectBundle(files: BundleFile[], options: InspectOptions = {}): BundleInspection {
  const strict = options.strict ?? false;
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const byPath = new Map(sorted.map((f) => [f.path, f]));
  const problems: Problem[] = [];

  const manifestFile = byPath.get('skill.json');
  let manifest = manifestFile ? readManifest(manifestFile, problems) : undefined;

  const rootSkillFile = byPath.get('SKILL.md');
  const multiFiles = sorted.filter((f) => MULTI_SKILL.test(f.path));
  if (rootSkillFile && multiFiles.length > 0) {
    problems.push(
      error(
        'SKILL.md',
        'LAYOUT_MIXED',
        'a bundle holds either SKILL.md at its root (one skill) or skills/NAME/SKILL.md (several), not both',
      ),
    );
  }
  const skills: InspectedSkill[] = [];
  if (rootSkillFile) {
    const bundleName = manifest?.name;
    const last = bundleName ? parseBundleName(bundleName)?.name : undefined;
    const nameRule = bundleName && last ? { kind: 'bundle' as const, bundleName, last } : undefined;
    const result = inspectSkill(rootSkillFile, { dir: '.', nameRule, strict });
    problems.push(...result.problems);
    if (result.skill) skills.push(result.skill);
    if (!manifestFile && result.skill) manifest = synthesiseManifest(result.skill, problems);
  }
  for (const file of multiFiles) {
    const folder = MULTI_SKILL.exec(file.path)![1]!;
    const result = inspectSkill(file, {
      dir: `skills/${folder}`,
      nameRule: { kind: 'folder', folder },
      strict,
    });
    problems.push(...result.problems);
    if (result.skill) skills.push(result.skill);
  }
  problems.push(...layoutWarnings(sorted));
  if (!rootSkillFile && multiFiles.length === 0) {
    problems.push(
      error(
        'SKILL.md',
        'NO_SKILLS',
        'a bundle needs SKILL.md at its root or skills/NAME/SKILL.md for each skill',
      ),
    );
  }
  if (!manifestFile && !rootSkillFile && multiFiles.length > 0) {
    problems.push(
      error(
        'skill.json',
        'MISSING_MANIFEST',
        'a multi-skill bundle needs a skill.json with its name and version',
      ),
    );
  }
  if (manifest && manifestFile) checkManifestAgainstSkills(manifest, skills, problems);
  if (manifest && manifest.description === undefined && rootSkillFile) {
    const root = skills.find((s) => s.path === '.');
    if (root) manifest = { ...manifest, description: root.frontmatter.description };
  }

  const piped = inspectPipelines(sorted, new Set(skills.map((s) => s.name)));
  problems.push(...piped.problems);

  const warnings: ContentWarning[] = [];
  for (const file of sorted) {
    const text = decodeText(file.data);
    if (text !== undefined) warnings.push(...scanContent(file.path, text));
  }
  return {
    manifest,
    skills,
    pipelines: piped.pipelines,
    capabilities: manifest?.capabilities ?? {},
    problems,
    warnings,
    ok: !problems.some((p) => p.severity === 'error'),
  };
}

function readManifest(file: BundleFile, problems: Problem[]): BundleManifest | undefined {
  const text = decodeText(file.data);
  if (text === undefined) {
    problems.push(error('skill.json', 'INVALID_ENCODING', 'must be UTF-8 JSON'));
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    problems.push(error('skill.json', 'INVALID_JSON', `is not valid JSON: ${(e as Error).message}`));
    return undefined;
  }
  const parsed = bundleManifestSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(...issuesToProblems(parsed.error, 'skill.json'));
    return undefined;
  }
  const m = parsed.data;
  if (m.dependencies && Object.hasOwn(m.dependencies, m.name)) {
    problems.push(
      error(`skill.json: dependencies.${m.name}`, 'SELF_DEPENDENCY', 'a bundle cannot depend on itself'),
    );
  }
  return m;
}

/** The SKILL.md-only form: name from the frontmatter, version from `metadata.version`. */
function synthesiseManifest(skill: InspectedSkill, problems: Problem[]): BundleManifest | undefined {
  const version = skill.frontmatter.metadata?.version;
  if (version === undefined) {
    problems.push(
      error(
        'skill.json',
        'MISSING_MANIFEST',
        'there is no skill.json: add one, or set metadata.version (semver) in the SKILL.md frontmatter to publish this skill as it is',
      ),
    );
    return undefined;
  }
  const v = publishableVersionSchema.safeParse(version);
  if (!v.success) {
    problems.push(...issuesToProblems(v.error, 'SKILL.md', 'frontmatter.metadata.version'));
    return undefined;
  }
  const license = skill.frontmatter.license;
  const candidate = {
    name: skill.name,
    version: v.data,
    description: skill.frontmatter.description,
    ...(license !== undefined && license.length <= 256 ? { license } : {}),
  };
  const parsed = bundleManifestSchema.safeParse(candidate);
  if (!parsed.success) {
    problems.push(...issuesToProblems(parsed.error, 'SKILL.md', 'frontmatter'));
    return undefined;
  }
  return parsed.data;
}

function checkManifestAgainstSkills(
  manifest: BundleManifest,
  skills: InspectedSkill[],
  problems: Problem[],
): void {
  for (const s of skills) {
    const v = s.frontmatter.metadata?.version;
    if (v !== undefined && v !== manifest.version) {
      const file = s.path === '.' ? 'SKILL.md' : `${s.path}/SKILL.md`;
      problems.push(
        warning(
          `${file}: frontmatter.metadata.version`,
          'VERSION_MISMATCH',
          `"${v}" differs from the bundle version "${manifest.version}" in skill.json, which wins`,
        ),
      );
    }
  }
  if (manifest.description === undefined && !skills.some((s) => s.path === '.')) {
    problems.push(
      warning(
        'skill.json: description',
        'MISSING_DESCRIPTION',
        'a multi-skill bundle should describe itself here',
      ),
    );
  }
}

/** SKILL.md files that no agent would find, and skill folders without one. */
function layoutWarnings(files: readonly BundleFile[]): Problem[] {
  const out: Problem[] = [];
  const skillDirs = new Set<string>();
  const withSkillMd = new Set<string>();
  for (const f of files) {
    const m = /^skills\/([^/]+)\//.exec(f.path);
    if (m) skillDirs.add(m[1]!);
    if (MULTI_SKILL.test(f.path)) withSkillMd.add(MULTI_SKILL.exec(f.path)![1]!);
    else if (f.path !== 'SKILL.md' && /(^|\/)SKILL\.md$/i.test(f.path)) {
      out.push(
        warning(
          f.path,
          'STRAY_SKILL_MD',
          'is not at the root or at skills/NAME/SKILL.md, so it is not installed',
        ),
      );
    }
  }
  for (const dir of skillDirs) {
    if (!withSkillMd.has(dir)) {
      out.push(warning(`skills/${dir}`, 'MISSING_SKILL_MD', 'this folder under skills/ has no SKILL.md'));
    }
  }
  return out;
}

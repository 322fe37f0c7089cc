/**
 * `@skills/archive`: reading, checking and writing skill bundle archives.
 * The registry uses it at publish, the CLI at pack, validate and install.
 */
export { collectFiles, type WalkResult, walkBundle } from './collect.ts';
export { ArchiveError, type ArchiveErrorCode } from './errors.ts';
export { parseYaml, type SkillMdParts, splitSkillMd } from './frontmatter.ts';
export { compileIgnore, IGNORE_FILE, IGNORED_NAMES, type IgnoreMatcher, isIgnored } from './ignore.ts';
export { type BundleInspection, type InspectedSkill, type InspectOptions, inspectBundle } from './inspect.ts';
export { folderNameWarning, MAX_BODY_CHARS } from './inspect-skill.ts';
export { type ArchiveLimits, DEFAULT_LIMITS, RATIO_GRACE_BYTES, resolveLimits } from './limits.ts';
export { BUNDLE_ROOT, integrityOf, type PackOptions, packDirectory, packFiles } from './pack.ts';
export { CollisionGuard, checkBundlePath, collisionKey } from './paths.ts';
export { readArchive } from './read.ts';
export { readStreamBounded } from './read-bounded.ts';
export { scanContent } from './scan.ts';
export { skillFiles } from './skill-files.ts';
export { FIXED_MTIME } from './tar-write.ts';
export { decodeText } from './text.ts';
export type { BundleFile } from './types.ts';
export { validateDirectory } from './validate.ts';
export { writeFilesSafely } from './write-safely.ts';

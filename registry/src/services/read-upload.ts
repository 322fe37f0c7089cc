import {
  ArchiveError,
  type BundleFile,
  type BundleInspection,
  inspectBundle,
  readArchive,
} from '@skills/archive';
import type { BundleManifest } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';

/**
 * Reads an uploaded tarball with the registry's caps and inspects its files. Any failure to
 * read is the uploader's: 422 INVALID_BUNDLE naming the entry and the archive's code (413 for a
 * compressed size over the cap), never a 500.
 * @throws RegistryError INVALID_BUNDLE with every error in `problems`, or TOO_LARGE.
 */
export async function readUpload({ deps, input }: { deps: Deps; input: { body: Buffer } }): Promise<{
  files: BundleFile[];
  inspection: BundleInspection;
  manifest: BundleManifest;
}> {
  let files: BundleFile[];
  try {
    files = (await readArchive(input.body, deps.archiveLimits)).files;
  } catch (e) {
    throw archiveRefusal(e, deps);
  }
  let inspection: BundleInspection;
  try {
    inspection = inspectBundle(files);
  } catch (e) {
    deps.log({ level: 'warn', msg: 'inspectBundle threw', error: String(e) });
    throw new RegistryError('INVALID_BUNDLE', 'the bundle could not be inspected', {
      problems: [{ path: '(bundle)', code: 'UNREADABLE', message: 'the bundle could not be inspected' }],
    });
  }
  const errors = inspection.problems.filter((p) => p.severity === 'error');
  if (!inspection.ok || !inspection.manifest || errors.length > 0) {
    const problems = errors.map(({ path, message, code }) => ({ path, message, code }));
    if (problems.length === 0)
      problems.push({ path: 'skill.json', message: 'no manifest', code: 'MISSING_MANIFEST' });
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new RegistryError('INVALID_BUNDLE', `${first.path}: ${first.message}${more}`, { problems });
  }
  return { files, inspection, manifest: inspection.manifest };
}

function archiveRefusal(e: unknown, deps: Deps): RegistryError {
  if (e instanceof ArchiveError) {
    if (e.code === 'COMPRESSED_TOO_LARGE') return new RegistryError('TOO_LARGE', e.message);
    const path = e.entry ?? '(archive)';
    return new RegistryError('INVALID_BUNDLE', `the archive was refused (${e.code}): ${e.message}`, {
      problems: [{ path, code: e.code, message: e.message }],
    });
  }
  deps.log({ level: 'warn', msg: 'readArchive threw a non-archive error', error: String(e) });
  return new RegistryError('INVALID_BUNDLE', 'the archive could not be read', {
    problems: [{ path: '(archive)', code: 'UNREADABLE', message: 'the archive could not be read' }],
  });
}

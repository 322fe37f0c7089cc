import {
  ArchiveError,
  type ArchiveLimits,
  type BundleFile,
  type BundleInspection,
  inspectBundle,
  integrityOf,
  packFiles,
  readArchive,
} from '@skills/archive';
import type { ApiErrorCode, BundleManifest } from '@skills/schemas';
import type { ErrorProblem } from '../errors.ts';
import { blobDigest } from '../storage/blob-store.ts';

/** What a publish keeps of an upload that reads, inspects and re-packs cleanly. */
export interface ProcessedUpload {
  manifest: BundleManifest;
  inspection: BundleInspection;
  /** The canonical re-pack: the bytes that are stored, signed and served. */
  tarball: Uint8Array;
  integrity: string;
  /** Hex sha256 of `tarball`: the blob's address. */
  sha256: string;
  fileCount: number;
}

/** A refusal as plain data, so it crosses a thread boundary; the caller makes the RegistryError. */
export interface UploadRefusal {
  code: ApiErrorCode;
  message: string;
  problems?: ErrorProblem[];
  /** A failure that is a bug rather than the uploader's: the caller logs it. */
  bug?: string;
}

export type UploadOutcome = { ok: true; upload: ProcessedUpload } | { ok: false; refusal: UploadRefusal };

/**
 * Reads an uploaded tarball with the registry's caps, inspects its files and re-packs them
 * canonically: all the CPU work of a publish, run on an upload worker (`upload-worker.ts`).
 * Any failure to read is the uploader's: INVALID_BUNDLE naming the entry and the archive's code
 * (TOO_LARGE for a compressed size over the cap), never a thrown error.
 */
export async function processUpload(bytes: Uint8Array, limits: ArchiveLimits): Promise<UploadOutcome> {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let files: BundleFile[];
  try {
    files = (await readArchive(body, limits)).files;
  } catch (e) {
    return { ok: false, refusal: archiveRefusal(e) };
  }
  let inspection: BundleInspection;
  try {
    inspection = inspectBundle(files);
  } catch (e) {
    return {
      ok: false,
      refusal: {
        ...invalid('(bundle)', 'UNREADABLE', 'the bundle could not be inspected'),
        bug: `inspectBundle threw: ${String(e)}`,
      },
    };
  }
  const errors = inspection.problems.filter((p) => p.severity === 'error');
  if (!inspection.ok || !inspection.manifest || errors.length > 0) {
    const problems = errors.map(({ path, message, code }) => ({ path, message, code }));
    if (problems.length === 0)
      problems.push({ path: 'skill.json', message: 'no manifest', code: 'MISSING_MANIFEST' });
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return {
      ok: false,
      refusal: { code: 'INVALID_BUNDLE', message: `${first.path}: ${first.message}${more}`, problems },
    };
  }
  let tarball: Buffer;
  try {
    tarball = packFiles(files);
  } catch (e) {
    return {
      ok: false,
      refusal: { code: 'INVALID_BUNDLE', message: `the bundle cannot be packed: ${(e as Error).message}` },
    };
  }
  return {
    ok: true,
    upload: {
      manifest: inspection.manifest,
      inspection,
      tarball,
      integrity: integrityOf(tarball),
      sha256: blobDigest(tarball),
      fileCount: files.length,
    },
  };
}

function archiveRefusal(e: unknown): UploadRefusal {
  if (e instanceof ArchiveError) {
    if (e.code === 'COMPRESSED_TOO_LARGE') return { code: 'TOO_LARGE', message: e.message };
    return {
      code: 'INVALID_BUNDLE',
      message: `the archive was refused (${e.code}): ${e.message}`,
      problems: [{ path: e.entry ?? '(archive)', code: e.code, message: e.message }],
    };
  }
  return {
    ...invalid('(archive)', 'UNREADABLE', 'the archive could not be read'),
    bug: `readArchive threw a non-archive error: ${String(e)}`,
  };
}

function invalid(path: string, code: string, message: string): UploadRefusal {
  return { code: 'INVALID_BUNDLE', message, problems: [{ path, code, message }] };
}

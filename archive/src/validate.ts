import { stat } from 'node:fs/promises';
import type { Problem } from '@skills/schemas';
import { walkBundle } from './collect.ts';
import { ArchiveError } from './errors.ts';
import { type BundleInspection, type InspectOptions, inspectBundle } from './inspect.ts';
import { error, warning } from './inspect-skill.ts';
import { packFiles } from './pack.ts';
import type { BundleFile } from './types.ts';

/**
 * Checks a bundle folder: `inspectBundle` over what `collectFiles` would pack, plus what only the
 * folder shows: every link, special file, bad name and size limit (all of them, as problems,
 * rather than the first as an error), whether the packed archive stays within the limits, and
 * scripts with a `#!` line but no execute bit. Never throws on bad content.
 * @throws Error only when the folder cannot be read at all.
 * @example const { ok, problems } = await validateDirectory('./my-skill', { strict: true });
 */
export async function validateDirectory(
  dir: string,
  options: InspectOptions = {},
): Promise<BundleInspection> {
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a folder`);
  const { files, refusals } = await walkBundle(dir);
  const inspection = inspectBundle(files, options);
  const extra: Problem[] = refusals.map((e) => error(e.entry ?? '.', e.code, e.reason));
  if (refusals.length === 0 && files.length > 0) {
    try {
      packFiles(files);
    } catch (e) {
      if (!(e instanceof ArchiveError)) throw e;
      extra.push(error(e.entry ?? '.', e.code, e.reason));
    }
  }
  extra.push(...scriptModeWarnings(files));
  const problems = [...extra, ...inspection.problems];
  return { ...inspection, problems, ok: !problems.some((p) => p.severity === 'error') };
}

function scriptModeWarnings(files: readonly BundleFile[]): Problem[] {
  return files
    .filter((f) => !f.executable && f.data.subarray(0, 2).toString('latin1') === '#!')
    .map((f) =>
      warning(
        f.path,
        'NOT_EXECUTABLE',
        'starts with "#!" but is not executable; run chmod +x so it packs as 0755',
      ),
    );
}

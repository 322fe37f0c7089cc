import { resolve } from 'node:path';
import { formatProblem } from '@skills/schemas';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { loadBundle, type PackedBundle, tarballFileName } from '../lib/authoring/bundle-source.ts';
import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { formatBytes, plural } from '../lib/output/format.ts';

/** The help of `--version` on pack and publish. */
export const VERSION_HELP =
  'the version of a skill folder without skill.json (a skill.json is generated into the tarball; the folder is untouched)';

/**
 * `skills pack [dir] [--out FILE]`: validate and write the canonical tarball (same files → same
 * bytes → same integrity), by default `NAME-VERSION.tgz` in the current folder.
 */
export const command: Command = {
  usage: 'pack [DIR] [--out FILE] [--version X]',
  summary: 'write the canonical tarball',
  options: {
    out: { type: 'string', short: 'o', description: 'where to write (default NAME-VERSION.tgz here)' },
    version: { type: 'string', description: VERSION_HELP },
  },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('pack takes one folder');
    const packed = await loadBundle(ctx.args[0], ctx.cwd, { version: versionFlag(ctx.flags.version) });
    const { name, version } = packed.manifest;
    const out = resolve(
      ctx.cwd,
      typeof ctx.flags.out === 'string' ? ctx.flags.out : tarballFileName(name, version),
    );
    await writeFileAtomic(out, packed.tarball);
    const summary = packSummary(packed);
    return { text: `${renderPackSummary(summary)}\nwrote ${out}`, json: { ...summary, file: out } };
  },
};

/** `--version X` as given, or undefined. */
export function versionFlag(flag: unknown): string | undefined {
  if (flag === undefined) return undefined;
  if (typeof flag !== 'string') throw usageError('--version needs a value', 'e.g. --version 1.0.0');
  return flag;
}

/** What pack, publish and publish --dry-run show about a tarball. */
export function packSummary(packed: PackedBundle) {
  const files = packed.files.map((f) => ({ path: f.path, size: f.data.length, executable: f.executable }));
  return {
    name: packed.manifest.name,
    version: packed.manifest.version,
    files,
    fileCount: files.length,
    size: packed.tarball.length,
    unpackedSize: files.reduce((n, f) => n + f.size, 0),
    integrity: packed.integrity,
    generated: packed.generated,
    warnings: packed.inspection.problems.filter((p) => p.severity === 'warning'),
    contentWarnings: packed.inspection.warnings,
  };
}

/** The text form of packSummary: the file list, sizes and integrity, like `npm pack`. */
export function renderPackSummary(s: ReturnType<typeof packSummary>): string {
  const width = Math.max(...s.files.map((f) => formatBytes(f.size).length));
  const lines = [
    `${s.name}@${s.version}`,
    ...s.files.map(
      (f) =>
        `  ${formatBytes(f.size).padStart(width)}  ${f.path}${s.generated.includes(f.path) ? '  (generated: not in the folder)' : ''}`,
    ),
  ];
  lines.push(
    `files:     ${plural(s.fileCount, 'file')}`,
    `size:      ${formatBytes(s.size)} (unpacked ${formatBytes(s.unpackedSize)})`,
    `integrity: ${s.integrity}`,
  );
  for (const p of s.warnings) lines.push(formatProblem(p));
  for (const w of s.contentWarnings) lines.push(`warning ${w.path}:${w.line}: ${w.code}: ${w.message}`);
  return lines.join('\n');
}

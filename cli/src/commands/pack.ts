import { resolve } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { loadBundle, type PackedBundle, tarballFileName } from '../lib/authoring/bundle-source.ts';
import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { formatBytes, plural } from '../lib/output/format.ts';

/**
 * `skills pack [dir] [--out FILE]`: validate and write the canonical tarball (same files → same
 * bytes → same integrity), by default `NAME-VERSION.tgz` in the current folder.
 */
export const command: Command = {
  usage: 'pack [DIR] [--out FILE]',
  summary: 'write the canonical tarball',
  options: {
    out: { type: 'string', short: 'o', description: 'where to write (default NAME-VERSION.tgz here)' },
  },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('pack takes one folder');
    const packed = await loadBundle(ctx.args[0], ctx.cwd);
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
    contentWarnings: packed.inspection.warnings,
  };
}

/** The text form of packSummary: the file list, sizes and integrity, like `npm pack`. */
export function renderPackSummary(s: ReturnType<typeof packSummary>): string {
  const width = Math.max(...s.files.map((f) => formatBytes(f.size).length));
  const lines = [
    `${s.name}@${s.version}`,
    ...s.files.map((f) => `  ${formatBytes(f.size).padStart(width)}  ${f.path}`),
  ];
  lines.push(
    `files:     ${plural(s.fileCount, 'file')}`,
    `size:      ${formatBytes(s.size)} (unpacked ${formatBytes(s.unpackedSize)})`,
    `integrity: ${s.integrity}`,
  );
  for (const w of s.contentWarnings) lines.push(`warning ${w.path}:${w.line}: ${w.code}: ${w.message}`);
  return lines.join('\n');
}

import { MAX_DOCUMENTS_PER_REQUEST } from '@skills/schemas';
import { skillsPaths } from '../lib/config.ts';
import type { Command } from '../lib/context.ts';
import { GLOBAL_OPTION, installScope } from '../lib/install/scope.ts';
import { openInstallSource } from '../lib/install/source.ts';
import { table } from '../lib/output/format.ts';
import { mapLimit } from '../lib/parallel.ts';
import { emptyLockfile, readLockfile } from '../lib/project/lockfile.ts';
import { newProjectFile, readProjectFile } from '../lib/project/project.ts';
import { wantedVersions } from '../lib/resolve/outdated.ts';
import { isSourceResolved } from '../lib/resolve/source-spec.ts';

/**
 * `skills outdated`: per installed bundle with a newer version, the locked (`current`), the
 * highest its ranges allow (`wanted`, what `skills update` moves to) and `latest`.
 * `--json`: `{ bundles: [{ name, current, wanted, latest, direct, ranges }] }`. Exit 0 either way.
 * Bundles installed from a folder, tarball or git (`file:`/`git+`) are not compared.
 */
export const command: Command = {
  usage: 'outdated [-g]',
  summary: 'show bundles with newer versions',
  options: { ...GLOBAL_OPTION },
  async run(ctx) {
    const { metaDir } = await installScope(ctx);
    const project = (await readProjectFile(metaDir)) ?? newProjectFile();
    const lock = (await readLockfile(metaDir)) ?? emptyLockfile();
    const source = await openInstallSource(ctx, skillsPaths(ctx.env), {
      registry: project.manifest.registry,
      scopes: project.manifest.scopes,
    });
    // Bundles from folders, tarballs and git have no registry versions to compare: not listed.
    const names = Object.keys(lock.bundles)
      .filter((n) => !isSourceResolved(lock.bundles[n]!.resolved))
      .sort();
    // Asked in one turn, sent as one request (the source limits plain GETs itself).
    const fetched = await mapLimit(names, MAX_DOCUMENTS_PER_REQUEST, (n) => source.getBundle(n));
    const docs = new Map(names.map((n, i) => [n, fetched[i]!]));
    const rows = wantedVersions(lock, project.manifest.dependencies, (n) => docs.get(n)).filter(
      (r) => docs.has(r.name) && (r.current !== r.wanted || r.current !== r.latest),
    );
    const text = rows.length
      ? table([
          ['NAME', 'CURRENT', 'WANTED', 'LATEST', ''],
          ...rows.map((r) => [
            r.name,
            r.current,
            r.wanted ?? '-',
            r.latest ?? '-',
            r.direct ? '' : '(dependency)',
          ]),
        ])
      : `all ${names.length} bundle(s) are up to date`;
    return { text, json: { bundles: rows } };
  },
};

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR } from './paths.ts';

const run = promisify(execFile);

/** A peer tool from the npm registry, pinned, with overrides for dependencies that no longer resolve. */
export interface ToolSpec {
  name: string;
  version: string;
  overrides?: Record<string, string>;
}

/**
 * Verdaccio 6.8.0 depends (through verdaccio-audit 13.0.3) on `node-fetch@cjs`, a dist-tag that
 * the npm registry no longer has; 2.7.0 is the CommonJS line that tag pointed to.
 */
export const VERDACCIO: ToolSpec = {
  name: 'verdaccio',
  version: '6.8.0',
  overrides: { 'node-fetch': '2.7.0' },
};
export const SKILLS_CLI: ToolSpec = { name: 'skills', version: '1.5.18' };

/**
 * The folder of `spec`'s package, installing it with npm into `.bench/tools/NAME-VERSION` the
 * first time (the only download a benchmark makes). `--ignore-scripts`: nothing the tools need
 * is built at install time.
 */
export async function ensureTool(spec: ToolSpec): Promise<string> {
  const prefix = join(TOOLS_DIR, `${spec.name}-${spec.version}`);
  const pkgDir = join(prefix, 'node_modules', spec.name);
  if (installedVersion(pkgDir) === spec.version) return pkgDir;
  console.error(`installing ${spec.name}@${spec.version} into ${prefix} …`);
  await mkdir(prefix, { recursive: true });
  await writeFile(
    join(prefix, 'package.json'),
    `${JSON.stringify({ private: true, ...(spec.overrides ? { overrides: spec.overrides } : {}) }, null, 2)}\n`,
  );
  await run(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      `${spec.name}@${spec.version}`,
    ],
    { cwd: prefix, maxBuffer: 16 * 1024 * 1024 },
  );
  if (installedVersion(pkgDir) !== spec.version)
    throw new Error(`${spec.name}@${spec.version} did not install`);
  return pkgDir;
}

function installedVersion(pkgDir: string): string | undefined {
  const file = join(pkgDir, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packFiles } from '@skills/archive';
import { DEFAULT_MARKETPLACE } from '../../src/domain/marketplace-catalog.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { type HostEnv, hostEnv } from './clients.ts';

/** The catalog's name, as hosts key plugins (`PLUGIN@MARKET`). */
export const MARKET = DEFAULT_MARKETPLACE.name;

/** An inline file tree: path → text; `.sh` files are executable. */
export type Tree = Record<string, string>;

/** A registry on port 0 over SQLite and blobs in a temp folder, with one publisher, and the clients' environment. */
export interface RegistryWorld {
  dir: string;
  /** HOME, CODEX_HOME, npm cache and `NPM_CONFIG_REGISTRY=ORIGIN/npm/` for the clients. */
  host: HostEnv;
  dataDir: string;
  server: RunningServer;
  origin: string;
  publish(name: string, tree: Tree): Promise<void>;
  close(): Promise<void>;
}

export async function startRegistryWorld(): Promise<RegistryWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'hosts-'));
  const dataDir = join(dir, 'registry');
  const server = await startServer({
    port: 0,
    dataDir,
    users: [{ username: 'alice' }],
    rateLimits: false,
  });
  const token = server.tokens.alice!;
  return {
    dir,
    host: await hostEnv(dir, `${server.url}/npm/`),
    dataDir,
    server,
    origin: server.url,
    async publish(name, tree) {
      const files = Object.entries(tree).map(([path, text]) => ({
        path,
        data: Buffer.from(text),
        executable: path.endsWith('.sh'),
      }));
      const res = await fetch(`${server.url}/v1/bundles/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
        body: new Uint8Array(packFiles(files)),
      });
      if (res.status !== 201) throw new Error(`publish ${name}: ${res.status} ${await res.text()}`);
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A SKILL.md with frontmatter. */
export function skillMd(name: string, description: string, body = `# ${name}\n\nDo the thing.\n`): string {
  return `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}`;
}

/**
 * A multi-skill bundle: skill.json and `skills/NAME/…` for each skill; `extra` maps a skill to
 * more files of its folder.
 */
export function multiSkillBundle(name: string, version: string, skills: Record<string, Tree>): Tree {
  const tree: Tree = {
    'skill.json': `${JSON.stringify({ name, version, description: `The ${name} bundle, for host tests`, license: 'MIT' }, null, 2)}\n`,
  };
  for (const [skill, files] of Object.entries(skills)) {
    tree[`skills/${skill}/SKILL.md`] = skillMd(skill, `The ${skill} skill of ${name} ${version}`);
    for (const [path, text] of Object.entries(files)) tree[`skills/${skill}/${path}`] = text;
  }
  return tree;
}

/** A single-skill bundle: skill.json and SKILL.md at the root, plus `extra` files. */
export function singleSkillBundle(name: string, version: string, extra: Tree = {}): Tree {
  return {
    'skill.json': `${JSON.stringify({ name, version, description: `The ${name} skill, for host tests`, license: 'MIT' }, null, 2)}\n`,
    'SKILL.md': skillMd(name, `The ${name} skill ${version}`),
    ...extra,
  };
}

/** The files of one skill of a tree, relative to its folder (`.` is the whole tree). */
export function skillTree(tree: Tree, skillPath: string): Tree {
  if (skillPath === '.') return { ...tree };
  const prefix = `${skillPath}/`;
  return Object.fromEntries(
    Object.entries(tree)
      .filter(([p]) => p.startsWith(prefix))
      .map(([p, text]) => [p.slice(prefix.length), text]),
  );
}

/** Every regular file under `dir` (links followed), path → text, sorted by path. */
export async function readTree(dir: string): Promise<Tree> {
  const out: Tree = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const full = join(entry.parentPath, entry.name);
    const data = await readFile(full).catch(() => undefined);
    if (data) out[full.slice(dir.length + 1)] = data.toString('utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The multi-skill bundle the host tests install: `lint` with a script and a reference, `notes` alone. */
export const KIT_1 = multiSkillBundle('kit', '1.0.0', {
  lint: { 'scripts/run.sh': '#!/bin/sh\necho lint\n', 'references/rules.md': '# Rules\n' },
  notes: {},
});

/** Its next version: `lint` changed, `fmt` added. */
export const KIT_2 = multiSkillBundle('kit', '1.1.0', {
  lint: { 'scripts/run.sh': '#!/bin/sh\necho lint 1.1\n' },
  notes: {},
  fmt: {},
});

/** The skills of a bundle as a plugin holds them (`skills/<skill>/…`), by skill name → folder. */
export function pluginSkills(bundle: Tree, skills: Record<string, string>): Tree {
  const out: Tree = {};
  for (const [skill, path] of Object.entries(skills))
    for (const [file, text] of Object.entries(skillTree(bundle, path))) out[`skills/${skill}/${file}`] = text;
  return out;
}

import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * A read-only git repository of one commit, as git's dumb HTTP protocol serves it: loose objects
 * by sha1, and the commit `refs/heads/main` points at. Every byte is a pure function of the files
 * and the message (fixed author, committer and time, no parent), so every process that builds it
 * from the same files serves the same objects.
 */
export interface GitRepo {
  /** The commit's sha1 hex. */
  head: string;
  /** zlib-deflated loose objects (`objects/xx/yyyy…`), by sha1 hex. */
  objects: Map<string, Buffer>;
}

/** The author and committer of every commit: the registry, at the fixed time archives use. */
const SIGNATURE = 'skills registry <registry@skills.invalid> 499162500 +0000';

/**
 * Builds the repository holding `files` (POSIX paths, no `.`/`..` segments) in one root commit.
 * @example gitRepoOf([{ path: '.claude-plugin/marketplace.json', data }], 'catalog').head // 40 hex
 */
export function gitRepoOf(files: { path: string; data: Buffer }[], message: string): GitRepo {
  const objects = new Map<string, Buffer>();
  const put = (type: 'blob' | 'tree' | 'commit', body: Buffer): Buffer => {
    const raw = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
    const sha = createHash('sha1').update(raw).digest();
    objects.set(sha.toString('hex'), deflateSync(raw, { level: 9 }));
    return sha;
  };
  const root: Dir = new Map();
  for (const f of files) {
    const parts = f.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.get(part);
      if (!(next instanceof Map)) {
        next = new Map();
        dir.set(part, next);
      }
      dir = next;
    }
    dir.set(parts.at(-1)!, f.data);
  }
  const tree = writeTree(root, put);
  const commit = `tree ${tree.toString('hex')}\nauthor ${SIGNATURE}\ncommitter ${SIGNATURE}\n\n${message}\n`;
  return { head: put('commit', Buffer.from(commit)).toString('hex'), objects };
}

type Dir = Map<string, Dir | Buffer>;
type Put = (type: 'blob' | 'tree' | 'commit', body: Buffer) => Buffer;

/** A tree object: entries sorted the way git sorts them (a folder as if its name ended in `/`). */
function writeTree(dir: Dir, put: Put): Buffer {
  const entries = [...dir].map(([name, value]) =>
    value instanceof Map
      ? { key: `${name}/`, mode: '40000', name, sha: writeTree(value, put) }
      : { key: name, mode: '100644', name, sha: put('blob', value) },
  );
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  return put('tree', Buffer.concat(entries.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), e.sha])));
}

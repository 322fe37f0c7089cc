import { createHash } from 'node:crypto';
import { DEFAULT_CHANGE_POLL_MS } from '../../src/document-cache.ts';
import { bundleTarball } from './bundles.ts';
import { sleep } from './cluster.ts';

/**
 * Concurrent publishers and readers against one registry URL, as clients that retry: a request
 * that got no answer, or a 502/503/504, is sent again (at most `attempts` times, 200 ms apart).
 * Everything is bounded: each publisher publishes its list once, readers stop when they finish.
 */

type BundleDoc = { versions: Record<string, { integrity: string; tarball: string }> };

export async function retrying(send: () => Promise<Response>, attempts = 75): Promise<Response> {
  for (let i = 1; ; i++) {
    try {
      const res = await send();
      if (![502, 503, 504].includes(res.status) || i >= attempts) return res;
      await res.arrayBuffer();
    } catch (error) {
      if (i >= attempts) throw error;
    }
    await sleep(200);
  }
}

export const sha512 = (bytes: Uint8Array) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** Signs a user up and returns a publish token. */
export async function publisherToken(base: string, username: string): Promise<string> {
  const password = `${username}-a-long-password`;
  const signup = await retrying(() =>
    fetch(`${base}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  );
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const basic = Buffer.from(`${username}:${password}`).toString('base64');
  const res = await retrying(() =>
    fetch(`${base}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'publish' }),
    }),
  );
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Workload {
  /** name@version → integrity, for every publish answered 201. */
  acknowledged: Map<string, string>;
  /** Publishes answered 409 after a retry: the first attempt may have landed. */
  ambiguous: string[];
  /** Answers that were neither success nor an allowed failure, and any wrong bytes read. */
  violations: string[];
  reads: { ok: number; failed: number };
  done: Promise<void>;
}

/** Publishes `versions` of each of `names` (one publisher each) while `readers` read them back. */
export function startWorkload(options: {
  base: string;
  token: string;
  names: string[];
  versions: string[];
  readers: number;
}): Workload {
  const w: Workload = {
    acknowledged: new Map(),
    ambiguous: [],
    violations: [],
    reads: { ok: 0, failed: 0 },
    done: Promise.resolve(),
  };
  let publishing = true;
  const publishers = options.names.map(async (name) => {
    for (const version of options.versions) {
      const body = new Uint8Array(bundleTarball(name, version));
      const res = await retrying(() =>
        fetch(`${options.base}/v1/bundles/${name}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/gzip' },
          body,
        }),
      ).catch((e: Error) => e);
      if (res instanceof Error) continue;
      const text = await res.text();
      if (res.status === 201)
        w.acknowledged.set(`${name}@${version}`, (JSON.parse(text) as { integrity: string }).integrity);
      else if (res.status === 409) w.ambiguous.push(`${name}@${version}`);
      else if (res.status < 500) w.violations.push(`publish ${name}@${version}: ${res.status} ${text}`);
    }
  });
  const readers = Array.from({ length: options.readers }, async (_, r) => {
    for (let i = 0; publishing && i < 5000; i++) {
      const name = options.names[(i + r) % options.names.length]!;
      const ok = await readOnce(options.base, name, w.violations).catch(() => false);
      if (ok) w.reads.ok++;
      else w.reads.failed++;
    }
  });
  w.done = Promise.all(publishers).then(async () => {
    publishing = false;
    await Promise.all(readers);
  });
  return w;
}

/** Reads a bundle document and its newest tarball; false when the registry did not answer. */
async function readOnce(base: string, name: string, violations: string[]): Promise<boolean> {
  const res = await fetch(`${base}/v1/bundles/${name}`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return true;
  }
  if (res.status !== 200) {
    await res.arrayBuffer();
    return false;
  }
  const doc = (await res.json()) as BundleDoc;
  const newest = Object.values(doc.versions).at(-1);
  if (!newest) return true;
  const tarball = await fetch(newest.tarball);
  if (tarball.status !== 200) {
    await tarball.arrayBuffer();
    return false;
  }
  const bytes = new Uint8Array(await tarball.arrayBuffer());
  if (sha512(bytes) !== newest.integrity) violations.push(`wrong bytes for ${newest.tarball}`);
  return true;
}

/**
 * What must hold after any fault: every acknowledged publish is listed with its integrity by
 * `base`, and every listed version (acknowledged or not) downloads with its integrity: nothing
 * lost, nothing half-visible. Returns the problems found.
 */
export async function auditRegistry(base: string, names: string[], acknowledged: Map<string, string>) {
  // A process learns of another's writes within one poll of the change counter (docs/operating.md):
  // let that window pass so each document lists everything acknowledged anywhere.
  await sleep(2 * DEFAULT_CHANGE_POLL_MS);
  const problems: string[] = [];
  for (const name of names) {
    const res = await retrying(() => fetch(`${base}/v1/bundles/${name}`));
    if (res.status !== 200) {
      problems.push(`${name}: document ${res.status}`);
      continue;
    }
    const doc = (await res.json()) as BundleDoc;
    for (const [key, integrity] of acknowledged) {
      if (!key.startsWith(`${name}@`)) continue;
      const listed = doc.versions[key.slice(name.length + 1)];
      if (listed?.integrity !== integrity)
        problems.push(`${key}: acknowledged but ${listed ? 'changed' : 'missing'}`);
    }
    for (const [version, v] of Object.entries(doc.versions)) {
      const tarball = await retrying(() => fetch(v.tarball));
      const bytes = new Uint8Array(await tarball.arrayBuffer());
      if (tarball.status !== 200 || sha512(bytes) !== v.integrity) {
        problems.push(
          `${name}@${version}: listed but its tarball is ${tarball.status === 200 ? 'wrong' : tarball.status}`,
        );
      }
    }
  }
  return problems;
}

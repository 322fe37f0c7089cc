import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig, skillsPaths } from '../src/lib/config.ts';
import type { SkillsError } from '../src/lib/errors.ts';
import { createRegistryClient } from '../src/lib/registry/client.ts';
import {
  configKeyPins,
  createSignatureVerifier,
  verifyVersionSignature,
} from '../src/lib/registry/signature.ts';
import { sri } from './helpers/documents.ts';
import { makeTempDir } from './helpers/fs.ts';
import { runMain } from './helpers/run-main.ts';
import { startScriptedServer } from './helpers/scripted-server.ts';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const keyid = `sha256:${createHash('sha256').update(der).digest('hex')}`;
  return { keyid, publicKey: der.toString('base64'), privateKey };
}
type Key = ReturnType<typeof keyPair>;
const signed = (key: { keyid: string; privateKey: KeyObject }, name: string, version: string) => {
  const integrity = sri(`${name}@${version}`);
  const sig = sign(null, Buffer.from(`${name}@${version}:${integrity}`), key.privateKey).toString('base64');
  return { name, version, integrity, signature: { keyid: key.keyid, sig } };
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A registry whose key list can change between calls, and a config home. */
async function world(initial: Key[]) {
  const state = { keys: initial };
  const srv = await startScriptedServer(() => ({
    status: 200,
    body: {
      keys: state.keys.map((k) => ({
        keyid: k.keyid,
        algorithm: 'ed25519',
        publicKey: k.publicKey,
        createdAt: 'x',
      })),
    },
  }));
  const { dir, cleanup } = await makeTempDir('skills-sig-');
  cleanups.push(srv.close, cleanup);
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'c'), XDG_CACHE_HOME: join(dir, 'k') };
  const paths = skillsPaths(env);
  const client = createRegistryClient({ url: srv.url, retries: 0 });
  const verifier = () =>
    createSignatureVerifier({ registryUrl: srv.url, client, pins: configKeyPins(paths) });
  return { state, srv, env, paths, client, verifier, dir };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: SkillsError) => e.code,
  );

describe('signature verification', () => {
  it('pins the keys on first use and verifies with them afterwards without fetching', async () => {
    const k1 = keyPair();
    const w = await world([k1]);
    const v = w.verifier();
    expect(await v.verify(signed(k1, 'deploy', '1.0.0'))).toEqual({ status: 'verified', keyid: k1.keyid });
    expect(await v.verify(signed(k1, '@a/b', '2.0.0'))).toMatchObject({ status: 'verified' });
    expect(w.srv.requests).toHaveLength(1);
    expect((await readConfig(w.paths)).keys?.[w.srv.url]).toEqual({ [k1.keyid]: k1.publicKey });
    await w.verifier().verify(signed(k1, 'deploy', '1.0.0'));
    expect(w.srv.requests).toHaveLength(1);
  });

  it('fails closed on a bad signature, a tampered integrity or a missing signature', async () => {
    const k1 = keyPair();
    const w = await world([k1]);
    const v = w.verifier();
    const good = signed(k1, 'deploy', '1.0.0');
    expect(await code(v.verify({ ...good, integrity: sri('tampered') }))).toBe('SIGNATURE_INVALID');
    expect(await code(v.verify({ ...good, version: '1.0.1' }))).toBe('SIGNATURE_INVALID');
    expect(await code(v.verify({ ...good, signature: { keyid: k1.keyid, sig: 'AAAA' } }))).toBe(
      'SIGNATURE_INVALID',
    );
    expect(await code(v.verify({ ...good, signature: undefined }))).toBe('SIGNATURE_MISSING');
    const stranger = keyPair();
    expect(await code(v.verify(signed(stranger, 'deploy', '1.0.0')))).toBe('SIGNATURE_INVALID');
  });

  it('reports a rotated key as KEY_CHANGED until `skills trust` pins it', async () => {
    const k1 = keyPair();
    const k2 = keyPair();
    const w = await world([k1]);
    await w.verifier().verify(signed(k1, 'deploy', '1.0.0'));
    w.state.keys = [k2];
    const err = await w
      .verifier()
      .verify(signed(k2, 'deploy', '1.1.0'))
      .catch((e: SkillsError) => e);
    expect((err as SkillsError).code).toBe('KEY_CHANGED');
    expect((err as SkillsError).hint).toContain(`skills trust --registry ${w.srv.url}`);

    const trust = await runMain(['trust', '--registry', w.srv.url, '--json'], { cwd: w.dir, env: w.env });
    expect(trust.code).toBe(0);
    expect(JSON.parse(trust.stdout)).toEqual({
      registry: w.srv.url,
      keys: [k2.keyid],
      added: [k2.keyid],
      removed: [k1.keyid],
    });
    expect(await w.verifier().verify(signed(k2, 'deploy', '1.1.0'))).toMatchObject({ status: 'verified' });
  });

  it('trust --expect refuses a keyid the registry does not list', async () => {
    const k1 = keyPair();
    const w = await world([k1]);
    const r = await runMain(['trust', '--registry', w.srv.url, '--expect', 'sha256:00'], {
      cwd: w.dir,
      env: w.env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERR_SKILLS_KEY_MISMATCH: /);
    expect((await readConfig(w.paths)).keys).toBeUndefined();
  });

  it('treats a registry without keys as unsigned, and refuses a keyid that lies about its key', async () => {
    const w = await world([]);
    expect(
      await verifyVersionSignature({
        ...signed(keyPair(), 'x', '1.0.0'),
        signature: undefined,
        registryUrl: w.srv.url,
        client: w.client,
        pins: configKeyPins(w.paths),
      }),
    ).toEqual({ status: 'unsigned' });
    const k1 = keyPair();
    w.state.keys = [{ ...k1, keyid: keyPair().keyid }];
    expect(await code(w.verifier().verify(signed(k1, 'x', '1.0.0')))).toBe('BAD_RESPONSE');
  });
});

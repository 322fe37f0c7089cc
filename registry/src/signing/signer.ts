import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Signs `NAME@VER:INTEGRITY` messages with the registry's Ed25519 key (docs/http-api.md). */
export interface Signer {
  /** `sha256:` + hex sha256 of the DER SPKI public key. */
  keyid: string;
  /** Base64 of the DER SPKI public key. */
  publicKey: string;
  createdAt: string;
  /** Base64 Ed25519 signature over the UTF-8 bytes of `message`. */
  sign(message: string): string;
}

/** The message a version's signature covers. */
export function signedMessage(name: string, version: string, integrity: string): string {
  return `${name}@${version}:${integrity}`;
}

/** A signer whose key lives only in memory: for tests. */
export function createEphemeralSigner(createdAt = new Date().toISOString()): Signer {
  return signerFrom(generateKeyPairSync('ed25519').privateKey, createdAt);
}

/**
 * The signer for a data dir: reads `DIR/keys/ed25519.pem`, creating it (mode 0600) on first start.
 * Two processes starting together agree on one key: the file is created exclusively.
 */
export async function loadOrCreateSigner(dataDir: string): Promise<Signer> {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'ed25519.pem');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  const key = createPrivateKey(await readFile(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  return signerFrom(key, (await stat(file)).mtime.toISOString());
}

/**
 * The signer for a key file the operator provides (`--signing-key`), so every registry process
 * signs with the same key. The file must exist and hold an Ed25519 private key in PEM (PKCS#8).
 * @throws Error naming the file when it is missing or holds something else.
 */
export async function loadSigner(file: string): Promise<Signer> {
  const pem = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the signing key ${file}: ${e.code ?? e.message}`);
  });
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  return signerFrom(key, (await stat(file)).mtime.toISOString());
}

function signerFrom(privateKey: KeyObject, createdAt: string): Signer {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    keyid: `sha256:${createHash('sha256').update(der).digest('hex')}`,
    publicKey: der.toString('base64'),
    createdAt,
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
  };
}

import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { KeysDocument } from '@skills/schemas';
import { normalizeRegistryUrl, readConfig, type SkillsPaths, updateConfig } from '../config.ts';
import { SkillsError } from '../errors.ts';
import type { RegistryClient } from './client.ts';

/** Where pinned keys live: `{keyid: base64 DER SPKI}` per registry URL. */
export interface KeyPinStore {
  read(registryUrl: string): Promise<Record<string, string> | undefined>;
  write(registryUrl: string, keys: Record<string, string>): Promise<void>;
}

export type SignatureCheck = { status: 'verified'; keyid: string } | { status: 'unsigned' };

export interface SignedVersion {
  name: string;
  version: string;
  integrity: string;
  signature?: { keyid: string; sig: string } | undefined;
}

/**
 * Pins kept in the user config's `keys` (written atomically, mode 0600).
 * @example const pins = configKeyPins(skillsPaths(ctx.env))
 */
export function configKeyPins(paths: SkillsPaths): KeyPinStore {
  return {
    read: async (url) => (await readConfig(paths)).keys?.[normalizeRegistryUrl(url)],
    write: async (url, keys) => {
      await updateConfig(paths, (c) => ({ ...c, keys: { ...c.keys, [normalizeRegistryUrl(url)]: keys } }));
    },
  };
}

/**
 * A verifier for one registry with trust on first use: the first time a registry is seen its
 * keys from `GET /v1/keys` are pinned; later signatures must be by a pinned key. Fetches keys at
 * most once per verifier. `verify` throws (failing closed):
 * - SIGNATURE_INVALID: the signature does not verify, or is by a key the registry does not list;
 * - SIGNATURE_MISSING: the registry signs (it has keys) but this version carries no signature;
 * - KEY_CHANGED: signed by a key the registry lists but that is not pinned (hint: `skills trust`);
 * - BAD_RESPONSE: a key whose keyid is not the sha256 of its bytes.
 * Returns `{status: 'unsigned'}` only for a registry that has never published a key.
 * @example
 * const verifier = createSignatureVerifier({ registryUrl: url, client, pins: configKeyPins(paths) })
 * await verifier.verify({ name, version, integrity, signature: doc.signature })
 */
export function createSignatureVerifier(opts: {
  registryUrl: string;
  client: RegistryClient;
  pins: KeyPinStore;
}): {
  verify(v: SignedVersion): Promise<SignatureCheck>;
  /**
   * Starts what the first `verify` waits for (reading the pins, and fetching the registry's
   * keys when none are pinned) without writing anything; errors surface in `verify`.
   */
  prepare(): void;
} {
  const url = normalizeRegistryUrl(opts.registryUrl);
  let pinned: Promise<Record<string, string> | undefined> | undefined;
  let current: Promise<Record<string, string>> | undefined;
  const fetchKeys = () => {
    current ??= opts.client.getKeys().then(keysToPins);
    return current;
  };
  const loadPins = () => {
    pinned ??= (async () => {
      const stored = await opts.pins.read(url);
      if (stored && Object.keys(stored).length > 0) return stored;
      const keys = await fetchKeys();
      if (Object.keys(keys).length === 0) return undefined;
      await opts.pins.write(url, keys);
      return keys;
    })();
    return pinned;
  };

  const keyObjects = new Map<string, KeyObject | undefined>();
  const keyObject = (publicKeyBase64: string) => {
    if (!keyObjects.has(publicKeyBase64)) keyObjects.set(publicKeyBase64, parsePublicKey(publicKeyBase64));
    return keyObjects.get(publicKeyBase64);
  };

  return {
    prepare() {
      void opts.pins
        .read(url)
        .then((stored) => {
          if (!stored || Object.keys(stored).length === 0) fetchKeys().catch(() => {});
        })
        .catch(() => {});
    },
    async verify(v) {
      return checkSignedVersion(v, { url, pins: await loadPins(), listedKeys: fetchKeys, keyObject });
    },
  };
}

/**
 * The rules of createSignatureVerifier for one version, given the pinned keys (undefined: the
 * registry has never published one) and the keys it lists now (fetched only for an unknown keyid).
 */
async function checkSignedVersion(
  v: SignedVersion,
  ctx: {
    url: string;
    pins: Record<string, string> | undefined;
    listedKeys: () => Promise<Record<string, string>>;
    keyObject: (publicKeyBase64: string) => KeyObject | undefined;
  },
): Promise<SignatureCheck> {
  const { url, pins } = ctx;
  const label = `${v.name}@${v.version}`;
  if (!v.signature) {
    if (!pins) return { status: 'unsigned' };
    throw new SkillsError(
      'SIGNATURE_MISSING',
      `${label} from ${url} carries no signature, but the registry signs`,
      {
        hint: 'the metadata may have been tampered with; it was not used',
      },
    );
  }
  if (!pins) {
    throw new SkillsError('SIGNATURE_INVALID', `${label} is signed, but ${url} publishes no keys`, {
      hint: 'the metadata may have been tampered with; it was not used',
    });
  }
  const key = pins[v.signature.keyid];
  if (!key) {
    const listed = (await ctx.listedKeys())[v.signature.keyid];
    if (listed) {
      throw new SkillsError(
        'KEY_CHANGED',
        `${url} now signs with key ${v.signature.keyid}, which is not pinned`,
        {
          hint: `if the registry rotated its key, run \`skills trust --registry ${url}\``,
          details: { registry: url, keyid: v.signature.keyid, pinned: Object.keys(pins) },
        },
      );
    }
    throw invalid(label, `is signed by unknown key ${v.signature.keyid}`);
  }
  if (!checkSignature(ctx.keyObject(key), `${v.name}@${v.version}:${v.integrity}`, v.signature.sig)) {
    throw invalid(label, 'has a signature that does not verify');
  }
  return { status: 'verified', keyid: v.signature.keyid };
}

/**
 * Verifies one version's signature over `NAME@VER:INTEGRITY` (see createSignatureVerifier for
 * the rules and errors). For many versions, make one verifier instead.
 * @example await verifyVersionSignature({ ...doc, registryUrl: url, client, pins: configKeyPins(paths) })
 */
export function verifyVersionSignature(
  opts: SignedVersion & { registryUrl: string; client: RegistryClient; pins: KeyPinStore },
): Promise<SignatureCheck> {
  return createSignatureVerifier(opts).verify(opts);
}

/**
 * The `{keyid: publicKey}` map of a keys document, after checking that every keyid is
 * `sha256:` + hex sha256 of its DER bytes. Throws BAD_RESPONSE otherwise.
 */
export function keysToPins(doc: KeysDocument): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of doc.keys) {
    const der = Buffer.from(k.publicKey, 'base64');
    const expected = `sha256:${createHash('sha256').update(der).digest('hex')}`;
    if (expected !== k.keyid) {
      throw new SkillsError('BAD_RESPONSE', `registry key ${k.keyid.slice(0, 80)} does not match its keyid`, {
        hint: 'the registry or a proxy in between is misbehaving',
      });
    }
    out[k.keyid] = k.publicKey;
  }
  return out;
}

function parsePublicKey(publicKeyBase64: string): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function checkSignature(key: KeyObject | undefined, message: string, sigBase64: string): boolean {
  if (!key) return false;
  try {
    return verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(sigBase64, 'base64'));
  } catch {
    return false;
  }
}

function invalid(label: string, what: string): SkillsError {
  return new SkillsError('SIGNATURE_INVALID', `${label} ${what}`, {
    hint: 'the metadata or tarball may have been tampered with; it was not used',
  });
}

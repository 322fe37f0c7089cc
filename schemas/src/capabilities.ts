import { z } from 'zod';

const list = (what: string) =>
  z
    .array(z.string().min(1).max(256), { error: `must be a list of ${what}` })
    .max(256)
    .optional();

/** What a bundle says it needs; shown at install, compared on update. */
export const capabilitiesSchema = z.lazy(() =>
  z.strictObject({
    network: list('host names'),
    exec: list('program names'),
    env: list('environment variable names'),
    write: list('paths'),
  }),
);

export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const CAPABILITY_KINDS = ['network', 'exec', 'env', 'write'] as const;

/**
 * What `next` asks for that `prev` did not, per kind; empty when nothing widens.
 * @example widenedCapabilities({ network: ['a'] }, { network: ['a', 'b'] }) // { network: ['b'] }
 */
export function widenedCapabilities(prev: Capabilities, next: Capabilities): Capabilities {
  const out: Capabilities = {};
  for (const kind of CAPABILITY_KINDS) {
    const before = new Set(prev[kind] ?? []);
    const added = (next[kind] ?? []).filter((v) => !before.has(v));
    if (added.length) out[kind] = added;
  }
  return out;
}

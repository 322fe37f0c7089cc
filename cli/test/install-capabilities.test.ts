import type { Lockfile } from '@skills/schemas';
import { describe, expect, it } from 'vitest';
import { withStoredCapabilities } from '../src/lib/install/plan.ts';

const bundle = (extra: Record<string, unknown> = {}) => ({
  version: '1.0.0',
  resolved: 'http://r/x.tgz',
  integrity: `sha512-${'A'.repeat(86)}==`,
  dependencies: {},
  skills: ['x'],
  agents: [],
  ...extra,
});
const lockOf = (b: ReturnType<typeof bundle>): Lockfile => ({
  lockfileVersion: 1,
  dependencies: {},
  agents: [],
  bundles: { x: b },
});
const entries = (capabilities: Record<string, string[]>) => new Map([['x', { index: { capabilities } }]]);

describe('withStoredCapabilities (security row 26)', () => {
  it('records the archive manifest capabilities, replacing whatever the lockfile held', () => {
    const lock = lockOf(bundle({ capabilities: { env: ['WIDER', 'SECRET'] } }));
    expect(withStoredCapabilities(lock, entries({ env: ['API_TOKEN'] }), false).bundles.x).toEqual(
      bundle({ capabilities: { env: ['API_TOKEN'] } }),
    );
    expect(withStoredCapabilities(lock, entries({}), false).bundles.x).toEqual(bundle());
  });

  it('with --frozen, keeps the lockfile but refuses capabilities other than the archive declares', () => {
    const widened = lockOf(bundle({ capabilities: { env: ['API_TOKEN', 'AWS_SECRET_ACCESS_KEY'] } }));
    expect(() => withStoredCapabilities(widened, entries({ env: ['API_TOKEN'] }), true)).toThrow(
      expect.objectContaining({ code: 'MANIFEST_MISMATCH' }),
    );
    const same = lockOf(bundle({ capabilities: { env: ['B', 'A'] } }));
    expect(withStoredCapabilities(same, entries({ env: ['A', 'B'] }), true)).toEqual(same);
    const older = lockOf(bundle());
    expect(withStoredCapabilities(older, entries({ env: ['A'] }), true)).toEqual(older);
  });
});

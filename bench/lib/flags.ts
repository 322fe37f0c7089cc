/**
 * The flags of each benchmark script, in one place: the script parses them and `all.ts` forwards
 * them, so a flag added to a script is forwarded without a second list to keep in step. `json`,
 * `keep` and `help` are the scripts' own and are not forwarded.
 */
export const REGISTRY_FLAGS = {
  strings: [
    'duration',
    'rounds',
    'warmup',
    'connections',
    'layouts',
    'repeat',
    'only',
    'publishes',
    'search-bundles',
    'search-kind-duration',
  ],
  booleans: ['reseed', 'no-pg', 'search-no-limit'],
} as const;

export const INSTALL_FLAGS = {
  strings: ['runs', 'version-runs', 'sizes'],
  booleans: ['no-peer'],
} as const;

/** What every script also takes and keeps to itself. */
export const OWN_STRINGS = ['json'] as const;
export const OWN_BOOLEANS = ['keep', 'help'] as const;

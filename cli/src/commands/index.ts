import type { Command } from '../lib/context.ts';

type Loader = () => Promise<{ command: Command }>;

/**
 * Every command, loaded lazily so `skills --version` costs little more than Node's start-up.
 * Each module `./NAME.ts` exports `command: Command`.
 */
export const COMMANDS: Record<string, Loader> = {
  init: () => import('./init.ts'),
  validate: () => import('./validate.ts'),
  pack: () => import('./pack.ts'),
  publish: () => import('./publish.ts'),
  install: () => import('./install.ts'),
  ci: () => import('./ci.ts'),
  uninstall: () => import('./uninstall.ts'),
  update: () => import('./update.ts'),
  outdated: () => import('./outdated.ts'),
  list: () => import('./list.ts'),
  verify: () => import('./verify.ts'),
  search: () => import('./search.ts'),
  info: () => import('./info.ts'),
  login: () => import('./login.ts'),
  logout: () => import('./logout.ts'),
  whoami: () => import('./whoami.ts'),
  token: () => import('./token.ts'),
  'dist-tag': () => import('./dist-tag.ts'),
  deprecate: () => import('./deprecate.ts'),
  yank: () => import('./yank.ts'),
  unyank: () => import('./unyank.ts'),
  owner: () => import('./owner.ts'),
  trust: () => import('./trust.ts'),
  run: () => import('./run.ts'),
  runs: () => import('./runs.ts'),
};

/** Other spellings people type, as npm accepts them. */
export const ALIASES: Record<string, string> = {
  i: 'install',
  add: 'install',
  rm: 'uninstall',
  remove: 'uninstall',
  un: 'uninstall',
  up: 'update',
  upgrade: 'update',
  ls: 'list',
  view: 'info',
  show: 'info',
  find: 'search',
  'dist-tags': 'dist-tag',
};

/** One line each for `skills --help`, kept here so help needs no command module loaded. */
export const SUMMARIES: Record<string, string> = {
  init: 'scaffold a valid bundle',
  validate: 'check a bundle or skill and list every problem',
  pack: 'write the canonical tarball',
  publish: 'validate, pack and upload a bundle',
  install: 'install bundles and record them in skills.json and skills-lock.json',
  ci: 'install exactly what skills-lock.json says (install --frozen)',
  uninstall: 'remove bundles, their skills and agent links',
  update: 'move bundles to newer versions',
  outdated: 'show bundles with newer versions',
  list: 'show the installed tree',
  verify: 'compare installed files with the lockfile',
  search: 'search the registry',
  info: 'show a bundle or version',
  login: 'store a token for a registry',
  logout: 'forget the token for a registry',
  whoami: 'show who the registry thinks you are',
  token: 'create, list and revoke tokens',
  'dist-tag': 'add, remove and list dist-tags',
  deprecate: 'mark versions as deprecated',
  yank: 'hide a version from new resolutions',
  unyank: 'undo a yank',
  owner: 'add, remove and list owners',
  trust: "pin the registry's signing keys (after a key rotation)",
  run: 'run a pipeline of skills with an OpenAI-compatible model',
  runs: 'list pipeline runs, or show one with its transcripts',
};

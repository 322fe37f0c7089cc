import {
  array,
  attempt,
  bundleName,
  capabilities,
  checkedFirst,
  integrity,
  no,
  type Obj,
  optional,
  range,
  record,
  semver,
  signature,
  skillName,
  strict,
  text,
} from './checks.ts';
import { LOCKFILE_VERSION, type Lockfile, lockfileSchema, RESOLVED_PATTERN } from './lockfile.ts';
import { AGENT_NAME_PATTERN } from './project-manifest.ts';

// `skills-lock.json` checked without zod, as bundle-document-check.ts does for documents: an
// install reads the lockfile and checks the one it writes, and building `lockfileSchema` was the
// one zod schema (and zod's own first-use cost, ~9 ms in a fresh process) left on a warm install.
// Same rule: a subset of what the schema accepts with the same output; the rest goes to zod.
// `test/lockfile-check.test.ts` holds the two together.

const agentName = (v: unknown) => text(v, 0, Number.POSITIVE_INFINITY, AGENT_NAME_PATTERN);
const agents = (v: unknown) => (v === undefined ? [] : array(v, agentName));

const LOCKED_KEYS = new Set([
  'version',
  'resolved',
  'integrity',
  'signature',
  'dependencies',
  'skills',
  'agents',
  'capabilities',
]);
function lockedBundle(v: unknown): Obj {
  const d = strict(v, LOCKED_KEYS);
  const out: Obj = {
    version: semver(d.version),
    resolved: text(d.resolved, 0, 4096, RESOLVED_PATTERN),
    integrity: integrity(d.integrity),
  };
  optional(out, d, 'signature', signature);
  out.dependencies = d.dependencies === undefined ? {} : record(d.dependencies, bundleName, semver);
  out.skills = array(d.skills, skillName);
  out.agents = agents(d.agents);
  optional(out, d, 'capabilities', capabilities);
  return out;
}

const LOCKFILE_KEYS = new Set(['lockfileVersion', 'dependencies', 'agents', 'bundles']);
function lockfile(v: unknown): Lockfile {
  const d = strict(v, LOCKFILE_KEYS);
  return {
    lockfileVersion: d.lockfileVersion === LOCKFILE_VERSION ? LOCKFILE_VERSION : no(),
    dependencies: d.dependencies === undefined ? {} : record(d.dependencies, bundleName, range),
    agents: agents(d.agents),
    bundles: d.bundles === undefined ? {} : record(d.bundles, bundleName, lockedBundle),
  } as Lockfile;
}

/**
 * `lockfileSchema.parse(data)` when the lockfile passes the hand-written check, else undefined
 * (invalid, or a form the check leaves to zod). Exported for the agreement test.
 */
export function checkLockfile(data: unknown): Lockfile | undefined {
  return attempt(lockfile, data);
}

/**
 * `lockfileSchema.safeParse`, with the same answers, without building the zod schema for a
 * valid lockfile.
 * @example lockfileParser.safeParse(JSON.parse(text)).data?.bundles
 */
export const lockfileParser = checkedFirst(checkLockfile, lockfileSchema);

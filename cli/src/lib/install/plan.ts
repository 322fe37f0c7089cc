import {
  CAPABILITY_KINDS,
  type Capabilities,
  LOCKFILE_VERSION,
  type LockedBundle,
  type Lockfile,
} from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import { isCurrent, LOCKFILE_NAME, lockfileDrift } from '../project/lockfile.ts';
import type { Resolution } from '../resolve/resolver.ts';
import { isSourceResolved } from '../resolve/source-spec.ts';

/** A bundle whose version changes: `from` null when added, `to` null when removed. */
export interface BundleChange {
  name: string;
  from: string | null;
  to: string | null;
}

/**
 * The lockfile for a resolved tree: per bundle its version, tarball URL, integrity, signature,
 * exact dependencies, skills and the agents its skills are linked into.
 * @example const lock = lockFromResolution(resolution, { dependencies, agents: ['claude'] })
 */
export function lockFromResolution(
  resolution: Resolution,
  opts: { dependencies: Record<string, string>; agents: readonly string[] },
): Lockfile {
  const bundles: Record<string, LockedBundle> = {};
  for (const [name, b] of Object.entries(resolution.bundles)) {
    bundles[name] = {
      version: b.version,
      resolved: b.document.tarball,
      integrity: b.document.integrity,
      ...(b.document.signature ? { signature: b.document.signature } : {}),
      dependencies: b.dependencies,
      skills: b.document.skills.map((s) => s.name).sort(),
      agents: [...opts.agents],
    };
  }
  return {
    lockfileVersion: LOCKFILE_VERSION,
    dependencies: { ...opts.dependencies },
    agents: [...opts.agents],
    bundles,
  };
}

/**
 * The lockfile with each bundle's `capabilities` taken from its stored archive: the root
 * manifest the registry recorded and install showed. The runtime grants scripts exactly these,
 * so they must never come from registry metadata alone nor from a file inside a skill folder.
 * With `frozen` the lockfile is not rewritten, but capabilities it records must equal the
 * archive's (MANIFEST_MISMATCH otherwise); a lockfile from before they were recorded grants none.
 * @example lock = withStoredCapabilities(lock, entries, false)
 */
export function withStoredCapabilities(
  lock: Lockfile,
  entries: ReadonlyMap<string, { index: { capabilities: Capabilities } }>,
  frozen: boolean,
): Lockfile {
  const bundles: Record<string, LockedBundle> = {};
  for (const [name, b] of Object.entries(lock.bundles)) {
    const stored = entries.get(name)?.index.capabilities ?? {};
    const { capabilities: recorded, ...rest } = b;
    if (frozen && recorded && !sameCapabilities(recorded, stored)) {
      throw new SkillsError(
        'MANIFEST_MISMATCH',
        `${name}@${b.version}: ${LOCKFILE_NAME} records other capabilities than the archive declares`,
        { hint: `run \`skills install\` to record what the archive declares, and review the change` },
      );
    }
    const has = CAPABILITY_KINDS.some((k) => (stored[k] ?? []).length > 0);
    bundles[name] = frozen ? b : { ...rest, ...(has ? { capabilities: stored } : {}) };
  }
  return { ...lock, bundles };
}

function sameCapabilities(a: Capabilities, b: Capabilities): boolean {
  const key = (c: Capabilities, k: (typeof CAPABILITY_KINDS)[number]) => [...(c[k] ?? [])].sort().join('\n');
  return CAPABILITY_KINDS.every((k) => key(a, k) === key(b, k));
}

/**
 * For `--frozen`: the lockfile must have been resolved for exactly these dependencies and be
 * complete (every root and every dependency locked at the version recorded, no skill twice).
 * Throws LOCKFILE_MISSING, LOCKFILE_OUTDATED or LOCKFILE_INVALID.
 */
export function checkFrozen(lock: Lockfile | undefined, dependencies: Record<string, string>): Lockfile {
  if (!lock) {
    throw new SkillsError('LOCKFILE_MISSING', `--frozen needs ${LOCKFILE_NAME}, and there is none`, {
      hint: 'run `skills install` to resolve and write it, then commit it',
    });
  }
  const drift = lockfileDrift(lock, dependencies);
  if (!isCurrent(drift)) {
    const parts = [
      ...drift.added.map((n) => `${n} added`),
      ...drift.removed.map((n) => `${n} removed`),
      ...drift.changed.map((c) => `${c.name} ${c.from} → ${c.to}`),
    ];
    throw new SkillsError(
      'LOCKFILE_OUTDATED',
      `${LOCKFILE_NAME} is out of date with skills.json: ${parts.join(', ')}`,
      {
        hint: 'run `skills install` to update the lockfile, then commit both files',
        details: drift,
      },
    );
  }
  const owner = new Map<string, string>();
  for (const [name, b] of Object.entries(lock.bundles)) {
    for (const [dep, version] of Object.entries(b.dependencies)) {
      if (lock.bundles[dep]?.version !== version)
        throw incomplete(`${name} needs ${dep}@${version}, which is not locked`);
    }
    for (const skill of b.skills) {
      const other = owner.get(skill);
      if (other) throw incomplete(`${other} and ${name} both install the skill "${skill}"`);
      owner.set(skill, name);
    }
  }
  for (const name of Object.keys(dependencies)) {
    if (!lock.bundles[name]) throw incomplete(`${name} is a dependency but is not locked`);
  }
  return lock;
}

/**
 * A version once locked keeps its bytes (docs/security.md row 9): the same name@version with another
 * integrity is an error, never a silent update. Throws INTEGRITY_CHANGED.
 */
export function checkPinnedIntegrity(previous: Lockfile, next: Lockfile): void {
  for (const [name, b] of Object.entries(next.bundles)) {
    const old = previous.bundles[name];
    // A folder, tarball or git ref may change without a new version; only registry versions are immutable.
    if (old && old.version === b.version && old.integrity !== b.integrity && !isSourceResolved(b.resolved)) {
      throw new SkillsError(
        'INTEGRITY_CHANGED',
        `${name}@${b.version} now has another integrity than ${LOCKFILE_NAME} pins`,
        {
          hint: 'a published version must never change; the registry or a mirror may be compromised. Nothing was written',
          details: { bundle: name, version: b.version, locked: old.integrity, offered: b.integrity },
        },
      );
    }
  }
}

/** The bundles added, updated and removed between two lockfiles, by name. */
export function diffLocks(previous: Lockfile, next: Lockfile): BundleChange[] {
  const names = [...new Set([...Object.keys(previous.bundles), ...Object.keys(next.bundles)])].sort();
  const out: BundleChange[] = [];
  for (const name of names) {
    const from = previous.bundles[name]?.version ?? null;
    const to = next.bundles[name]?.version ?? null;
    if (from !== to || previous.bundles[name]?.integrity !== next.bundles[name]?.integrity)
      out.push({ name, from, to });
  }
  return out;
}

function incomplete(why: string): SkillsError {
  return new SkillsError('LOCKFILE_INVALID', `${LOCKFILE_NAME} is not a complete tree: ${why}`, {
    hint: 'run `skills install` to resolve it again',
  });
}

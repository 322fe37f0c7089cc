import { type Capabilities, type ContentWarning, widenedCapabilities } from '@skills/schemas';
import type { StoreEntry } from '../store/store.ts';
import type { InstallPlan } from './install.ts';

/** What moving one bundle to another version changes, for people to review before it happens. */
export interface BundleUpdate {
  name: string;
  from: string | null;
  to: string;
  /** What the new version asks for that the old one did not (all of it for a new bundle). */
  widened: Capabilities;
  /** Skills whose `allowed-tools` differ (`null`: the skill or the field is absent). */
  allowedTools: { skill: string; from: string | null; to: string | null }[];
  /** Scripts (files under a `scripts/` folder, or executables) the old version did not have. */
  newScripts: string[];
  /** Content-scan findings the old version did not have. */
  newWarnings: ContentWarning[];
}

/**
 * Compares the store entries of the old and new version of each added or updated bundle of a
 * plan. Everything comes from the bytes as this CLI read them, not from registry metadata.
 * @example describeUpdates(plan).filter((u) => Object.keys(u.widened).length > 0)
 */
export function describeUpdates(plan: InstallPlan): BundleUpdate[] {
  const out: BundleUpdate[] = [];
  for (const c of plan.changes) {
    if (c.to === null) continue;
    const next = plan.entries.get(c.name);
    if (!next) continue;
    const prev = c.from !== null ? plan.previousEntries.get(c.name) : undefined;
    out.push({
      name: c.name,
      from: c.from,
      to: c.to,
      widened: widenedCapabilities(prev?.index.capabilities ?? {}, next.index.capabilities),
      allowedTools: allowedToolsChanges(prev, next),
      newScripts: scripts(next).filter((p) => !(prev ? scripts(prev) : []).includes(p)),
      newWarnings: next.index.warnings.filter(
        (w) => !(prev?.index.warnings ?? []).some((o) => sameWarning(o, w)),
      ),
    });
  }
  return out;
}

/** True when an update asks for anything new: capabilities, tools or scripts. */
export function widens(u: BundleUpdate): boolean {
  return (
    Object.keys(u.widened).length > 0 || u.allowedTools.some((t) => t.to !== null) || u.newScripts.length > 0
  );
}

function allowedToolsChanges(prev: StoreEntry | undefined, next: StoreEntry): BundleUpdate['allowedTools'] {
  const before = new Map((prev?.index.skills ?? []).map((s) => [s.name, s.allowedTools ?? null]));
  const after = new Map(next.index.skills.map((s) => [s.name, s.allowedTools ?? null]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names
    .map((skill) => ({ skill, from: before.get(skill) ?? null, to: after.get(skill) ?? null }))
    .filter((t) => t.from !== t.to);
}

function scripts(entry: StoreEntry): string[] {
  return entry.index.files.filter((f) => f.executable || /(^|\/)scripts\//.test(f.path)).map((f) => f.path);
}

function sameWarning(a: ContentWarning, b: ContentWarning): boolean {
  return a.code === b.code && a.path === b.path && a.message === b.message;
}

import type { BundleDocument, VersionDocument } from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import { createDocumentCache, type DocumentCache } from './document-cache.ts';
import {
  type Conflict,
  chainTo,
  conflictError,
  newestFirst,
  type Requirement,
  versionsAllowed,
} from './explain.ts';

export type { Requirement } from './explain.ts';

/** What to resolve and how to look bundles up. */
export interface ResolveOptions {
  /** skills.json `dependencies`: bundle name → semver range or dist-tag. */
  roots: Record<string, string>;
  /** Fetches a bundle document; called at most once per name per resolution. */
  getBundle: (name: string) => Promise<BundleDocument>;
  /** Versions the current lockfile pins: kept while they satisfy every range, even when yanked. */
  locked?: Record<string, string>;
  /** Bundle documents fetched at once (default 16). */
  concurrency?: number;
  /** Versions tried before giving up with RESOLVE_TOO_COMPLEX (default 10,000). */
  maxAttempts?: number;
}

/** One bundle of the resolved tree. */
export interface ResolvedBundle {
  name: string;
  version: string;
  document: VersionDocument;
  /** The exact versions its dependencies resolved to. */
  dependencies: Record<string, string>;
  /** Every requirement on it in the final tree (skills.json first). */
  requiredBy: Requirement[];
}

/** A found tree, by bundle name (sorted), with warnings for deprecated versions. */
export interface Resolution {
  bundles: Record<string, ResolvedBundle>;
  warnings: { bundle: string; version: string; code: 'DEPRECATED'; message: string }[];
}

interface Picked {
  version: string;
  document: VersionDocument;
}

/**
 * Resolves the whole tree: one version per bundle, the highest that satisfies every range
 * reaching it (backtracking over candidates when a later range rules a pick out), dist-tags
 * followed, yanked versions skipped unless the lockfile pins them, no two bundles installing a
 * skill of the same name. Throws a SkillsError naming the chains of dependents for a conflict
 * (VERSION_CONFLICT, NO_MATCHING_VERSION, SKILL_CONFLICT), NOT_FOUND for a missing bundle,
 * INVALID_RANGE, or RESOLVE_TOO_COMPLEX when `maxAttempts` is spent.
 * @example const { bundles } = await resolveTree({ roots: { 'deploy-vercel': '^1' }, getBundle })
 */
export async function resolveTree(options: ResolveOptions): Promise<Resolution> {
  const docs = createDocumentCache(options.getBundle, options.concurrency ?? 16);
  const locked = options.locked ?? {};
  const maxAttempts = options.maxAttempts ?? 10_000;
  const picked = new Map<string, Picked>();
  const conflicts: { conflict: Conflict; parents: Map<string, Requirement[]> }[] = [];
  const fetched = new Map<string, BundleDocument>();
  let attempts = 0;
  let parents = new Map<string, Requirement[]>();
  const parentOf = (name: string) => parents.get(name)?.[0];

  docs.prefetch(Object.keys(options.roots));

  const solve = async (): Promise<boolean> => {
    const frontier = requirementsOf(options.roots, picked);
    parents = frontier.requirements;
    const next = frontier.unpicked[0];
    if (next === undefined) return true;
    const reqs = frontier.requirements.get(next)!;
    const doc = await fetchFor(docs, next, reqs, parentOf);
    fetched.set(next, doc);
    const candidates = candidatesFor(doc, reqs, locked[next], parentOf);
    if (candidates.length === 0) {
      conflicts.push({
        conflict: { kind: 'no-match', name: next, requirements: reqs, document: doc },
        parents,
      });
    }
    for (const version of candidates) {
      if (++attempts > maxAttempts) throw tooComplex(maxAttempts);
      const document = doc.versions[version]!;
      const clash = skillClash(next, document, picked);
      if (clash) {
        conflicts.push({ conflict: clash, parents });
        continue;
      }
      const misfit = firstMisfit(next, document, picked, fetched, parentOf);
      if (misfit) {
        const all = [...(parents.get(misfit.name) ?? []), misfit];
        const depDoc = fetched.get(misfit.name)!;
        if (candidatesFor(depDoc, all, locked[misfit.name], parentOf).length === 0) {
          const conflict: Conflict = {
            kind: 'no-match',
            name: misfit.name,
            requirements: all,
            document: depDoc,
          };
          conflicts.push({ conflict, parents });
        }
        continue;
      }
      picked.set(next, { version, document });
      docs.prefetch(Object.keys(document.dependencies));
      if (await solve()) return true;
      picked.delete(next);
      parents = requirementsOf(options.roots, picked).requirements;
    }
    return false;
  };

  if (!(await solve())) {
    const first = conflicts[0];
    if (!first) throw new SkillsError('VERSION_CONFLICT', 'the dependencies cannot be satisfied together');
    // Chains are printed as they stood when the conflict was found, before backtracking undid them.
    throw conflictError(first.conflict, (name) => first.parents.get(name)?.[0], locked);
  }
  return summarize(picked, requirementsOf(options.roots, picked).requirements);
}

/**
 * Every requirement on every bundle reachable from the roots through the picked versions,
 * breadth first (so the first requirement of each is its shortest chain), and the bundles still
 * to pick, shallowest first, then by name.
 */
function requirementsOf(
  roots: Record<string, string>,
  picked: Map<string, Picked>,
): { requirements: Map<string, Requirement[]>; unpicked: string[] } {
  const requirements = new Map<string, Requirement[]>();
  const queue: string[] = [];
  const add = (req: Requirement) => {
    const list = requirements.get(req.name);
    if (list) list.push(req);
    else {
      requirements.set(req.name, [req]);
      queue.push(req.name);
    }
  };
  for (const name of Object.keys(roots).sort()) add({ name, range: roots[name]!, from: null });
  const unpicked: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    const p = picked.get(name);
    if (!p) {
      unpicked.push(name);
      continue;
    }
    for (const dep of Object.keys(p.document.dependencies).sort()) {
      add({ name: dep, range: p.document.dependencies[dep]!, from: { name, version: p.version } });
    }
  }
  return { requirements, unpicked };
}

async function fetchFor(
  docs: DocumentCache,
  name: string,
  reqs: Requirement[],
  parentOf: (name: string) => Requirement | undefined,
): Promise<BundleDocument> {
  try {
    return await docs.get(name);
  } catch (err) {
    if (err instanceof SkillsError && err.code === 'NOT_FOUND') {
      throw new SkillsError('NOT_FOUND', `bundle ${name} not found (${chainTo(reqs[0]!, parentOf)})`, {
        hint: 'check the name (`skills search`), or the registry it should come from',
        cause: err,
      });
    }
    throw err;
  }
}

/** Versions allowed by every requirement, best first: the locked one, then the highest; yanked ones only when locked. */
function candidatesFor(
  doc: BundleDocument,
  reqs: Requirement[],
  lockedVersion: string | undefined,
  parentOf: (name: string) => Requirement | undefined,
): string[] {
  let allowed: Set<string> | undefined;
  for (const req of reqs) {
    const these = new Set(versionsAllowed(doc, req, parentOf));
    allowed = allowed ? new Set([...allowed].filter((v) => these.has(v))) : these;
  }
  const usable = [...(allowed ?? [])].filter((v) => v === lockedVersion || !doc.versions[v]?.yanked);
  usable.sort(newestFirst);
  if (lockedVersion !== undefined && usable.includes(lockedVersion)) {
    return [lockedVersion, ...usable.filter((v) => v !== lockedVersion)];
  }
  return usable;
}

function skillClash(name: string, doc: VersionDocument, picked: Map<string, Picked>): Conflict | undefined {
  const mine = new Set(doc.skills.map((s) => s.name));
  for (const [other, p] of picked) {
    const shared = p.document.skills.find((s) => mine.has(s.name));
    if (shared) {
      return {
        kind: 'skill-clash',
        skill: shared.name,
        a: { name: other, version: p.version },
        b: { name, version: doc.version },
      };
    }
  }
  return undefined;
}

/** The first dependency of `doc` that is already picked at a version its range does not allow. */
function firstMisfit(
  name: string,
  doc: VersionDocument,
  picked: Map<string, Picked>,
  fetched: Map<string, BundleDocument>,
  parentOf: (name: string) => Requirement | undefined,
): Requirement | undefined {
  for (const dep of Object.keys(doc.dependencies).sort()) {
    const p = picked.get(dep);
    const depDoc = fetched.get(dep);
    if (!p || !depDoc) continue;
    const req: Requirement = {
      name: dep,
      range: doc.dependencies[dep]!,
      from: { name, version: doc.version },
    };
    if (!versionsAllowed(depDoc, req, parentOf).includes(p.version)) return req;
  }
  return undefined;
}

function summarize(picked: Map<string, Picked>, requirements: Map<string, Requirement[]>): Resolution {
  const bundles: Record<string, ResolvedBundle> = {};
  const warnings: Resolution['warnings'] = [];
  for (const name of [...picked.keys()].sort()) {
    const p = picked.get(name)!;
    const dependencies: Record<string, string> = {};
    for (const dep of Object.keys(p.document.dependencies).sort())
      dependencies[dep] = picked.get(dep)!.version;
    bundles[name] = {
      name,
      version: p.version,
      document: p.document,
      dependencies,
      requiredBy: requirements.get(name) ?? [],
    };
    if (p.document.deprecated) {
      warnings.push({ bundle: name, version: p.version, code: 'DEPRECATED', message: p.document.deprecated });
    }
  }
  return { bundles, warnings };
}

function tooComplex(max: number): SkillsError {
  return new SkillsError('RESOLVE_TOO_COMPLEX', `no consistent tree found after trying ${max} versions`, {
    hint: 'narrow the ranges in skills.json so fewer combinations need trying',
  });
}

import { DISCOVERY_SCHEMA_URL, type DiscoveryIndex, type DiscoverySkill } from '@skills/schemas';
import type { VersionRecord } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { skillArtifactPath } from '../domain/discovery-paths.ts';
import { RegistryError } from '../errors.ts';
import { loadSkillArtifacts } from './load-skill-artifacts.ts';

/** How many skills the registry-wide index lists at most. */
export const GLOBAL_INDEX_SKILLS = 100;
/** How many bundles it looks through at most, most downloaded first. */
const GLOBAL_INDEX_BUNDLES = 1000;
const PAGE = 100;

/**
 * `GET /.well-known/agent-skills/index.json`: the Agent Skills discovery index (v0.2.0) of the
 * most downloaded skills, at most `GLOBAL_INDEX_SKILLS`. Bundles are taken by downloads (then
 * name), each with the skills of its `latest` version; skill names are unique in an index, so
 * when two bundles have a skill of the same name the more downloaded bundle's is listed and the
 * other is left out (it stays in its bundle's own index).
 */
export async function buildDiscoveryIndex({
  deps,
  input,
}: {
  deps: Deps;
  input: { origin: string };
}): Promise<DiscoveryIndex> {
  const skills: DiscoverySkill[] = [];
  const taken = new Set<string>();
  for (let offset = 0; offset < GLOBAL_INDEX_BUNDLES && skills.length < GLOBAL_INDEX_SKILLS; offset += PAGE) {
    const page = await deps.store.search({ limit: PAGE, offset });
    for (const hit of page.hits) {
      const version = await deps.store.getVersion(hit.name, hit.version);
      if (!version) continue;
      for (const entry of await entriesOf(deps, version, input.origin)) {
        if (taken.has(entry.name) || skills.length >= GLOBAL_INDEX_SKILLS) continue;
        taken.add(entry.name);
        skills.push(entry);
      }
    }
    if (page.hits.length < PAGE) break;
  }
  return { $schema: DISCOVERY_SCHEMA_URL, skills };
}

/**
 * `GET /bundles/NAME/.well-known/agent-skills/index.json`: every skill of the bundle's `latest`
 * version, so `skills add ORIGIN/bundles/NAME` installs exactly that bundle.
 * @throws RegistryError NOT_FOUND for an unknown bundle or one without a `latest` version.
 */
export async function buildBundleDiscoveryIndex({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; origin: string };
}): Promise<DiscoveryIndex> {
  const snapshot = await deps.store.getBundle(input.name);
  if (!snapshot) throw new RegistryError('NOT_FOUND', `no bundle ${input.name}`);
  const latest = snapshot.distTags.latest;
  const version = snapshot.versions.find((v) => v.version === latest);
  if (!version) throw new RegistryError('NOT_FOUND', `${input.name} has no latest version to install`);
  return { $schema: DISCOVERY_SCHEMA_URL, skills: await entriesOf(deps, version, input.origin) };
}

async function entriesOf(deps: Deps, version: VersionRecord, origin: string): Promise<DiscoverySkill[]> {
  const artifacts = await loadSkillArtifacts({ deps, input: { version } });
  return artifacts.map((a) => ({
    name: a.skill,
    type: a.type,
    description: a.description,
    url: origin + skillArtifactPath(version.name, version.version, a.skill, a.type),
    digest: `sha256:${a.sha256}`,
  }));
}

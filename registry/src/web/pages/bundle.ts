import semver from 'semver';
import type { BundleSnapshot, VersionRecord } from '../../db/store.ts';
import { pluginName } from '../../domain/npm-package.ts';
import { getBundleSnapshot } from '../../services/get-bundle-snapshot.ts';
import type { PageContext } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { SkillDoc } from '../skill-docs.ts';
import {
  capabilitiesTable,
  contentWarnings,
  sidebar,
  skillsList,
  versionNotices,
} from './bundle-sections.ts';
import { bundleInstallCommands, commandBlocks } from './install-commands.ts';

export interface BundleParams {
  name: string;
  /** `?version=`: another version than `latest`. */
  version?: string;
  /** `?skill=`: whose SKILL.md to show; the first skill by default. */
  skill?: string;
}

/**
 * `GET /bundles/NAME`: everything about one version of a bundle, `latest` unless `?version=` says
 * otherwise. Undefined (→ 404) for an invalid or unknown name, version or skill.
 */
export async function bundlePage(ctx: PageContext, params: BundleParams): Promise<SafeHtml | undefined> {
  const snapshot = await getBundleSnapshot({ deps: ctx, input: { name: params.name } });
  if (!snapshot) return undefined;
  const version = pickVersion(snapshot, params.version);
  if (!version) return undefined;
  const { skills } = version.document;
  const skill = params.skill === undefined ? skills[0] : skills.find((s) => s.name === params.skill);
  if (params.skill !== undefined && !skill) return undefined;
  const doc = skill ? await ctx.skillDocs.get(version, skill.path) : undefined;

  const { name } = snapshot.bundle;
  const isLatest = snapshot.distTags.latest === version.version;
  const installSpec = isLatest ? name : `${name}@${version.version}`;
  const d = version.document;
  return layout({
    title: isLatest ? name : `${name}@${version.version}`,
    description: d.description,
    body: html`<div class="bundle-head">
  <h1>${name}</h1>
  <span class="version">${version.version}${isLatest ? ' · latest' : ''}</span>
</div>
<p class="lead">${d.description || html`<span class="muted">No description.</span>`}</p>
${contentWarnings(d.warnings)}
${versionNotices(snapshot, version)}
<div class="bundle-layout">
  <div>
    <section aria-labelledby="install">
      <h2 id="install">Install</h2>
      ${commandBlocks(bundleInstallCommands({ name, spec: installSpec, plugin: pluginName(name), info: ctx.hosts }))}
      ${isLatest ? '' : html`<p class="muted">Claude Code, Codex and <code>npx skills</code> install the latest version.</p>`}
    </section>
    ${capabilitiesTable(d.capabilities)}
    ${skillsList({ name, version, current: skill?.name, isLatest })}
    ${skill ? skillDocSection(skill.name, doc) : ''}
  </div>
  ${sidebar(snapshot, version)}
</div>`,
  });
}

/** The version asked for, else `latest`, else (every version yanked) the highest. */
function pickVersion(snapshot: BundleSnapshot, wanted: string | undefined): VersionRecord | undefined {
  const target = wanted ?? snapshot.distTags.latest;
  if (target !== undefined) return snapshot.versions.find((v) => v.version === target);
  return [...snapshot.versions].sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

function skillDocSection(skillName: string, doc: SkillDoc | undefined): SafeHtml {
  let content: SafeHtml;
  if (doc?.ok) content = html`<div class="skill-doc">${doc.html}</div>`;
  else if (doc?.reason === 'missing')
    content = html`<p class="muted">This skill has no SKILL.md to show.</p>`;
  else content = html`<p class="muted">The SKILL.md of this skill cannot be shown right now.</p>`;
  return html`<section aria-labelledby="skill-doc">
  <h2 id="skill-doc">SKILL.md of <code>${skillName}</code></h2>
  ${content}
</section>`;
}

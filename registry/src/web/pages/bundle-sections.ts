import { CAPABILITY_KINDS, type Capabilities, type ContentWarning } from '@skills/schemas';
import semver from 'semver';
import type { BundleSnapshot, VersionRecord } from '../../db/store.ts';
import {
  bundleHref,
  categoryHref,
  date,
  formatCount,
  plural,
  safeExternalUrl,
  userHref,
} from '../components.ts';
import { html, type SafeHtml } from '../html.ts';

const CAPABILITY_LABELS: Record<(typeof CAPABILITY_KINDS)[number], { title: string; what: string }> = {
  network: { title: 'Network', what: 'hosts it connects to' },
  exec: { title: 'Runs programs', what: 'programs it runs' },
  env: { title: 'Environment', what: 'environment variables it reads' },
  write: { title: 'Writes files', what: 'paths it writes to' },
};

/** Notices about the version and the name: yanked, deprecated, close to a popular name, older. */
export function versionNotices(snapshot: BundleSnapshot, version: VersionRecord): SafeHtml {
  const latest = snapshot.distTags.latest;
  const { name } = snapshot.bundle;
  return html`${
    version.yanked
      ? html`<div class="notice notice-danger" role="note"><h2>This version was yanked</h2>
<p>Its authors withdrew it. It is kept for lockfiles that already name it, but new installs do not pick it.</p></div>`
      : ''
  }${
    version.deprecated
      ? html`<div class="notice notice-warn" role="note"><h2>This version is deprecated</h2><p>${version.deprecated}</p></div>`
      : ''
  }${
    snapshot.bundle.closeTo
      ? html`<div class="notice notice-warn" role="note"><h2>Check the name</h2>
<p>“${name}” is one letter away from the popular bundle
<a href="${bundleHref(snapshot.bundle.closeTo)}">${snapshot.bundle.closeTo}</a>. Make sure this is the one you mean.</p></div>`
      : ''
  }${
    latest && latest !== version.version
      ? html`<p class="muted">You are looking at ${version.version}. The latest version is
<a href="${bundleHref(name)}">${latest}</a>.</p>`
      : ''
  }`;
}

/** The content scan's findings for this version (docs/security.md row 16), shown before anything else. */
export function contentWarnings(warnings: readonly ContentWarning[]): SafeHtml {
  if (warnings.length === 0) return html``;
  return html`<section class="notice notice-danger" aria-labelledby="content-warnings">
<h2 id="content-warnings">⚠ Content warnings (${warnings.length})</h2>
<p>The registry's scan found text that may hide instructions from you or steer an agent. Read these files before installing.</p>
<ul>${warnings.map(
    (w) => html`<li><strong>${w.code}</strong> in <code>${w.path}</code> line ${w.line}: ${w.message}</li>`,
  )}</ul>
</section>`;
}

/** What the version declares it needs, one row per kind; every kind is listed, even when empty. */
export function capabilitiesTable(capabilities: Capabilities): SafeHtml {
  const declared = CAPABILITY_KINDS.some((k) => (capabilities[k] ?? []).length > 0);
  return html`<section aria-labelledby="capabilities">
<h2 id="capabilities">Capabilities</h2>
<p class="muted">${
    declared
      ? 'What this version declares it needs. Your agent may ask before granting each.'
      : 'This version declares no network access, programs, environment variables or file writes.'
  }</p>
<table class="capabilities">
  <caption class="visually-hidden">Declared capabilities</caption>
  <tbody>
  ${CAPABILITY_KINDS.map((kind) => {
    const values = capabilities[kind] ?? [];
    const label = CAPABILITY_LABELS[kind];
    return html`<tr>
    <th scope="row">${label.title}</th>
    <td>${
      values.length
        ? html`<span class="visually-hidden">${label.what}: </span>${values.map((v, i) => html`${i > 0 ? ', ' : ''}<code>${v}</code>`)}`
        : html`<span class="muted">none</span>`
    }</td>
  </tr>`;
  })}
  </tbody>
</table>
</section>`;
}

/** The skills of the version, each linking to its SKILL.md on this page. */
export function skillsList(options: {
  name: string;
  version: VersionRecord;
  current: string | undefined;
  isLatest: boolean;
}): SafeHtml {
  const { skills } = options.version.document;
  const query = (skill: string): Record<string, string> => ({
    ...(options.isLatest ? {} : { version: options.version.version }),
    skill,
  });
  return html`<section aria-labelledby="skills">
<h2 id="skills">Skills (${skills.length})</h2>
<ul class="skills">${skills.map(
    (s) => html`<li>
  <a href="${bundleHref(options.name, query(s.name))}#skill-doc"${s.name === options.current ? html` aria-current="true"` : ''}><strong>${s.name}</strong></a>
  <span>${s.description}</span>
  ${s.allowedTools ? html`<br><span class="muted">Allowed tools: <code>${s.allowedTools}</code></span>` : ''}
</li>`,
  )}</ul>
</section>`;
}

/** Facts, links, owners, dependencies, tags and versions, beside the main column. */
export function sidebar(snapshot: BundleSnapshot, version: VersionRecord): SafeHtml {
  const doc = version.document;
  const homepage = safeExternalUrl(doc.homepage);
  const repository = safeExternalUrl(doc.repository);
  const deps = Object.entries(doc.dependencies);
  const tags = Object.entries(snapshot.distTags).sort(([a], [b]) => a.localeCompare(b));
  const versions = [...snapshot.versions].sort((a, b) => semver.rcompare(a.version, b.version));
  const isLatest = (v: string) => snapshot.distTags.latest === v;
  return html`<aside class="sidebar" aria-label="Bundle details">
<h2>About</h2>
<dl>
  <dt>Version</dt><dd>${doc.version}</dd>
  <dt>Published</dt><dd>${date(version.publishedAt)} by <a href="${userHref(version.publishedBy)}">${version.publishedBy}</a></dd>
  <dt>License</dt><dd>${doc.license ?? html`<span class="muted">none given</span>`}</dd>
  ${doc.category ? html`<dt>Category</dt><dd><a href="${categoryHref(doc.category)}">${doc.category}</a></dd>` : ''}
  <dt>Downloads</dt><dd>${formatCount(snapshot.bundle.downloads)}</dd>
  <dt>Size</dt><dd>${formatBytes(doc.size)}, ${formatCount(doc.fileCount)} files</dd>
</dl>
${
  homepage || repository || doc.homepage || doc.repository
    ? html`<h2>Links</h2><ul>
  ${link('Homepage', doc.homepage, homepage)}
  ${link('Repository', doc.repository, repository)}
</ul>`
    : ''
}
<h2>Owners</h2>
<ul>${snapshot.owners.map((o) => html`<li><a href="${userHref(o)}">${o}</a></li>`)}</ul>
${doc.keywords.length ? html`<h2>Keywords</h2><ul class="tags">${doc.keywords.map((k) => html`<li class="tag">${k}</li>`)}</ul>` : ''}
${
  deps.length
    ? html`<h2>Dependencies</h2><ul>${deps.map(
        ([dep, range]) => html`<li><a href="${bundleHref(dep)}">${dep}</a> <code>${range}</code></li>`,
      )}</ul>`
    : ''
}
${doc.pipelines.length ? html`<h2>Pipelines</h2><ul>${doc.pipelines.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
<h2>Dist-tags</h2>
<ul>${tags.map(([tag, v]) => html`<li><code>${tag}</code>: <a href="${versionHref(snapshot.bundle.name, v, isLatest(v))}">${v}</a></li>`)}</ul>
<h2>Versions (${versions.length})</h2>
<ul class="versions">${versions.map(
    (v) => html`<li>
  <span><a href="${versionHref(snapshot.bundle.name, v.version, isLatest(v.version))}"${v.version === version.version ? html` aria-current="page"` : ''}>${v.version}</a>
  ${v.yanked ? html`<span class="badge badge-danger">yanked</span>` : ''}
  ${v.deprecated ? html`<span class="badge badge-warn">deprecated</span>` : ''}
  ${v.document.warnings.length ? html`<span class="badge badge-warn">${plural(v.document.warnings.length, 'warning')}</span>` : ''}</span>
  ${date(v.publishedAt)}
</li>`,
  )}</ul>
</aside>`;
}

function versionHref(name: string, version: string, isLatest: boolean): string {
  return isLatest ? bundleHref(name) : bundleHref(name, { version });
}

/** A link when the URL is http(s); otherwise the text, never an href. */
function link(label: string, text: string | undefined, url: string | undefined): SafeHtml {
  if (!text) return html``;
  if (!url) return html`<li>${label}: ${text}</li>`;
  return html`<li><a href="${url}" rel="nofollow noopener noreferrer">${label}</a></li>`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

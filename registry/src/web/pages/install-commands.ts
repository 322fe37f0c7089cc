import { html, type SafeHtml } from '../html.ts';

/** What the install commands are built from: where the registry is and what its catalogs are called. */
export interface HostsInfo {
  /** The registry's public origin (`--public-url`, else the request's). */
  origin: string;
  /** The marketplace catalog's `name`: hosts key installed plugins as `PLUGIN@MARKETPLACE`. */
  marketplace: string;
}

/** The commands that add the registry's marketplace to each host. */
export function marketplaceCommands(info: HostsInfo): { host: string; lines: string[] }[] {
  return [
    { host: 'Claude Code', lines: [`claude plugin marketplace add ${info.origin}/marketplace.json`] },
    { host: 'Codex', lines: [`codex plugin marketplace add ${info.origin}/marketplace.git`] },
    { host: 'npx skills', lines: [`npx skills add ${info.origin}`] },
  ];
}

/**
 * How to install one bundle from each host: the skills CLI (`spec` may pin a version), Claude
 * Code and Codex through the marketplace (plugin `plugin`, always the latest version), and
 * vercel's `skills` through the bundle's discovery index.
 */
export function bundleInstallCommands(input: {
  name: string;
  spec: string;
  plugin: string;
  info: HostsInfo;
}): { host: string; lines: string[] }[] {
  const { origin, marketplace } = input.info;
  const plugin = `${input.plugin}@${marketplace}`;
  return [
    { host: 'skills', lines: [`skills install ${input.spec}`] },
    {
      host: 'Claude Code',
      lines: [`claude plugin marketplace add ${origin}/marketplace.json`, `claude plugin install ${plugin}`],
    },
    {
      host: 'Codex',
      lines: [`codex plugin marketplace add ${origin}/marketplace.git`, `codex plugin add ${plugin}`],
    },
    { host: 'npx skills', lines: [`npx skills add ${origin}/bundles/${input.name}`] },
  ];
}

/** The commands as a list of hosts, each with a `<pre><code>` block to copy (no script needed). */
export function commandBlocks(blocks: { host: string; lines: string[] }[]): SafeHtml {
  return html`<dl class="install-hosts">${blocks.map(
    (b) => html`<dt>${b.host}</dt>
<dd><pre><code>${b.lines.join('\n')}</code></pre></dd>`,
  )}</dl>`;
}

import { getHomeOverview } from '../../services/get-home-overview.ts';
import { bundleCards, categoryList } from '../components.ts';
import type { PageContext } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import { commandBlocks, marketplaceCommands } from './install-commands.ts';

const SHOWN = 8;

/** `GET /`: popular and recently published bundles, and the categories. */
export async function homePage(ctx: PageContext): Promise<SafeHtml> {
  const { popular, recent, counts } = await getHomeOverview({ deps: ctx, input: { shown: SHOWN } });
  return layout({
    title: 'Skills for AI agents',
    description: 'Find and install bundles of skills for AI agents.',
    body: html`<h1>Skills for AI agents</h1>
<p class="lead">Bundles of instructions, scripts and references that teach an agent a job. Install one with <code>skills install NAME</code>.</p>
<section aria-labelledby="hosts">
  <h2 id="hosts">Use it from Claude Code, Codex or <code>npx skills</code></h2>
  <p>Add this registry as a plugin marketplace once; each bundle then installs as a plugin, and its page shows the command.</p>
  ${commandBlocks(marketplaceCommands(ctx.hosts))}
</section>
<section aria-labelledby="popular">
  <h2 id="popular">Popular</h2>
  ${bundleCards(popular.hits, 'Nothing has been published yet.')}
  ${popular.total > SHOWN ? html`<p><a href="/search">All ${popular.total} bundles →</a></p>` : ''}
</section>
<section aria-labelledby="recent">
  <h2 id="recent">Recently published</h2>
  ${bundleCards(recent, 'Nothing has been published yet.')}
</section>
<section aria-labelledby="categories">
  <h2 id="categories">Categories</h2>
  ${categoryList({ counts: new Map(counts) })}
</section>`,
  });
}

import { getUserProfile } from '../../services/get-user-profile.ts';
import { bundleCards, date } from '../components.ts';
import type { PageContext } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';

/** `GET /~USER`: a user and the bundles they own; undefined for an unknown user. */
export async function userPage(ctx: PageContext, username: string): Promise<SafeHtml | undefined> {
  if (username === '' || username.length > 64) return undefined;
  const profile = await getUserProfile({ deps: ctx, input: { username } });
  if (!profile) return undefined;
  const { user, owned } = profile;
  return layout({
    title: `~${user.username}`,
    description: `Agent skill bundles owned by ${user.username}.`,
    body: html`<h1>~${user.username}</h1>
<p class="muted">Member since ${date(user.createdAt)}.</p>
<section aria-labelledby="owned">
  <h2 id="owned">Bundles (${owned.length})</h2>
  ${bundleCards(owned, `${user.username} owns no bundles yet.`)}
</section>`,
  });
}

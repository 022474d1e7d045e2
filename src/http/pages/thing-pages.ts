import { isKibbleError } from '../../errors';
import { flattr, hasFlattred } from '../../services/clicks/clicks';
import { clickPeriodAt } from '../../services/period-closure';
import { thingClickCount } from '../../services/stats';
import { isSubscribed, subscribe } from '../../services/subscriptions/subscriptions';
import { getThing, ownerHandleOf, type ThingView } from '../../services/things/things';
import { escapeHtml, html, type TrustedHtml } from '../html';
import { csrfInput, layout, notice } from './layout';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/**
 * A thing's public page (/t/:thingId): its title, link, creator and this period's flattrs, the
 * button creators embed, and for a signed-in donor the flattr and subscribe forms. An unknown or
 * malformed id is a 404 (getThing), rendered as a page by the router.
 */

const DONE_NOTICES: Readonly<Record<string, (period: string) => string>> = {
  flattred: (period) => `Thanks! Your flattr counts in ${period}; at the end of the month your budget is split across that month's flattrs.`,
  subscribed: () => 'Subscribed: this thing gets a flattr from you every month. You can unsubscribe on your donor page.',
};

export const thingPages: PageRoute[] = [
  {
    method: 'get',
    path: '/t/:thingId',
    handler: async (ctx) => thingPage(ctx, await thingOf(ctx), {}),
  },
  {
    method: 'post',
    path: '/t/:thingId/flattr',
    rateLimit: 'flattr',
    handler: async (ctx) => {
      const thing = await thingOf(ctx);
      const id = thing.id;
      if (ctx.accountId === undefined) return signInFirst(`/t/${id}`);
      try {
        await flattr(ctx.accountId, id, ctx.now);
        ctx.deps.metrics?.clicks.inc();
      } catch (error) {
        // Already flattred this period: the page shows it.
        if (isKibbleError(error, 'already-flattred')) return { redirect: `/t/${id}` };
        if (isKibbleError(error, 'own-thing')) return thingPage(ctx, thing, { error: 'You cannot flattr your own thing.' }, 403);
        throw error;
      }
      return { redirect: `/t/${id}?flattred=1` };
    },
  },
  {
    method: 'post',
    path: '/t/:thingId/subscribe',
    handler: async (ctx) => {
      const thing = await thingOf(ctx);
      const id = thing.id;
      if (ctx.accountId === undefined) return signInFirst(`/t/${id}`);
      try {
        await subscribe(ctx.accountId, id, ctx.now);
      } catch (error) {
        if (isKibbleError(error, 'already-subscribed')) return { redirect: `/t/${id}` };
        if (isKibbleError(error, 'own-thing')) return thingPage(ctx, thing, { error: 'You cannot subscribe to your own thing.' }, 403);
        throw error;
      }
      return { redirect: `/t/${id}?subscribed=1` };
    },
  },
];

async function thingOf(ctx: PageContext): Promise<ThingView> {
  return getThing(String(ctx.req.params.thingId));
}

async function thingPage(ctx: PageContext, thing: ThingView, state: { error?: string }, status = 200): Promise<PageResult> {
  const id = thing.id;
  const period = await clickPeriodAt(ctx.now);
  const donorId = ctx.accountId;
  const own = donorId !== undefined && thing.ownerId === donorId;
  const [ownerHandle, count, flattred, subscribed] = await Promise.all([
    ownerHandleOf(thing),
    thingClickCount(id, period),
    donorId === undefined || own ? false : hasFlattred(donorId, id, period),
    donorId === undefined || own ? false : isSubscribed(donorId, id),
  ]);
  const done = Object.keys(DONE_NOTICES).find((key) => ctx.req.query[key] === '1');
  const flattrs = `${count} ${count === 1 ? 'flattr' : 'flattrs'}`;

  let action: TrustedHtml;
  if (donorId === undefined) {
    action = html`<p><a id="flattr-signin" class="button" href="/signin?next=/t/${id}">Sign in to flattr</a></p>
<p>New to kibble? <a href="/signup?next=/t/${id}">Sign up</a>, set a monthly budget and flattr what you like.</p>`;
  } else if (own) {
    action = html`<p id="own-thing">This is your own thing: you cannot flattr it. Put its button on your site so that others can.</p>`;
  } else {
    const flattrPart =
      flattred
        ? html`<p id="flattred">You flattred this in ${period}.</p>`
        : html`<form id="flattr-form" class="inline" method="post" action="/t/${id}/flattr">${csrfInput(ctx.csrfToken)}<button type="submit">Flattr</button></form>`;
    const subscribePart =
      subscribed
        ? html`<p id="subscribed">You are subscribed: this thing gets a flattr from you every month. <a href="/donor">Your subscriptions</a></p>`
        : html`<form id="subscribe-form" class="inline" method="post" action="/t/${id}/subscribe">${csrfInput(ctx.csrfToken)}<button type="submit" class="secondary">Subscribe (flattr every month)</button></form>`;
    action = html`<div class="actions">${flattrPart} ${subscribePart}</div>`;
  }

  const main = html`${notice(done === undefined ? undefined : DONE_NOTICES[done]?.(period))}${notice(state.error, 'error')}
<p>${thingLink(thing.url)}</p>
<p>By <strong id="thing-owner">${ownerHandle ?? 'a former kibble user'}</strong></p>
<p><strong id="flattr-count">${flattrs}</strong> in ${period} (months are UTC).</p>
<section aria-labelledby="flattr-heading">
<h2 id="flattr-heading">Flattr it</h2>
${action}
</section>
<section aria-labelledby="button-heading">
<h2 id="button-heading">The button</h2>
<p><img id="button-preview" src="/t/${id}/button.svg?n=${count}" alt="kibble button of this thing: ${flattrs} in ${period}" height="20"></p>
${own ? embedCode(ctx, thing) : html``}
</section>`;
  return { status, page: layout(ctx, thing.title, main) };
}

/** Only http(s) URLs become links (the things service accepts no other); anything else stays text. */
function thingLink(url: string): TrustedHtml {
  return /^https?:\/\//i.test(url) ? html`<a id="thing-url" href="${url}" rel="nofollow ugc noopener">${url}</a>` : html`<span id="thing-url">${url}</span>`;
}

/** The markup a creator pastes into their site, shown as text (escaped once for the snippet, once for the page). */
function embedCode(ctx: PageContext, thing: ThingView): TrustedHtml {
  const base = `${ctx.deps.config.publicUrl}/t/${thing.id}`;
  const snippet = `<a href="${escapeHtml(base)}"><img src="${escapeHtml(`${base}/button.svg`)}" alt="${escapeHtml(`Flattr ${thing.title} with kibble`)}" height="20"></a>`;
  return html`<p>To show it on your site, paste this where the button should be:</p>
<p><code id="embed-code">${snippet}</code></p>
<p><button type="button" class="secondary" data-copy="embed-code">Copy the code</button></p>`;
}

import { isKibbleError } from '../../errors';
import type { WorthlessReason } from '../../money/flattr-worth';
import { formatCoins } from '../../money/amount';
import { flattr, hasFlattred } from '../../services/clicks/clicks';
import { flattrWorthNow, type FlattrWorthNow } from '../../services/clicks/flattr-worth';
import { clickPeriodAt } from '../../services/period-closure';
import { thingClickCount } from '../../services/stats';
import { isSubscribed, subscribe } from '../../services/subscriptions/subscriptions';
import { getThing, ownerHandleOf, type ThingView } from '../../services/things/things';
import { escapeHtml, html, type TrustedHtml } from '../html';
import { csrfInput, layout, notice } from './layout';
import { fiatLine } from './fiat-pages';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/**
 * A thing's public page (/t/:thingId): its title, link, creator and this period's flattrs, the
 * button creators embed, and for a signed-in donor the flattr and subscribe forms. An unknown or
 * malformed id is a 404 (getThing), rendered as a page by the router.
 */

/** What a signed-in donor's flattr is worth here (honest flattrs, issue 17 item 2); links say how to fix it. */
const WORTH_WORDS = {
  reasons: { 'no-budget': 'you have no monthly budget', 'no-balance': 'your balance is zero' } as Readonly<Record<WorthlessReason, string>>,
  fixes: { 'no-budget': { href: '/donor#budget-heading', text: 'set a monthly budget' }, 'no-balance': { href: '/donor#deposit-heading', text: 'fund your account' } } as Readonly<Record<WorthlessReason, { href: string; text: string }>>,
  recordedWorthless: (period: string) => `Your flattr is recorded in ${period}, but it is worth nothing yet:`,
  wouldBeWorthless: 'A flattr from you would be worth nothing now:',
  isWorthless: 'Your flattr here is recorded but worth nothing yet:',
  countsIf: 'It counts if you',
  beforeEnd: 'before the month ends.',
  would: (worth: string, clicks: number, fee: string) => `Your flattr here would be worth ${worth} if the month ended now: your budget (or your balance, if smaller) less the ${fee} service fee, split over your ${clicks} ${clicks === 1 ? 'flattr' : 'flattrs'} this month including this one.`,
  is: (worth: string, clicks: number) => `Your flattr here is worth ${worth} if the month ended now (your budget split over your ${clicks} ${clicks === 1 ? 'flattr' : 'flattrs'} this month).`,
};

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
  const worth = donorId === undefined || own ? undefined : await flattrWorthNow(donorId, id, ctx.deps.config.serviceFeeBps, ctx.now);
  const done = Object.keys(DONE_NOTICES).find((key) => ctx.req.query[key] === '1');
  // "Thanks, it counts" only when it does: a worthless flattr says so and how to fix it instead.
  const doneNotice = done === 'flattred' && worth !== undefined && worth.reasons.length > 0 ? worthlessNotice(WORTH_WORDS.recordedWorthless(period), worth.reasons, 'flattr-recorded-worthless') : notice(done === undefined ? undefined : DONE_NOTICES[done]?.(period));
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
    const fiat = worth === undefined || worth.reasons.length > 0 ? html`` : await fiatLine(ctx, donorId, worth.worth, 'flattr-worth-fiat', 'fiat:thing.worth');
    action = html`${worth === undefined ? html`` : worthText(ctx, worth)}${fiat}<div class="actions">${flattrPart} ${subscribePart}</div>`;
  }

  const main = html`${doneNotice}${notice(state.error, 'error')}
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

function worthText(ctx: PageContext, worth: FlattrWorthNow): TrustedHtml {
  if (worth.reasons.length > 0) return html`<div id="flattr-worth">${worthlessNotice(worth.counted ? WORTH_WORDS.isWorthless : WORTH_WORDS.wouldBeWorthless, worth.reasons)}</div>`;
  const amount = `${formatCoins(worth.worth)} ${ctx.deps.chain.ticker}`;
  const text = worth.counted ? WORTH_WORDS.is(amount, worth.clicks) : WORTH_WORDS.would(amount, worth.clicks, `${ctx.deps.config.serviceFeeBps / 100}%`);
  return html`<p id="flattr-worth">${text}</p>`;
}

/** Why a flattr is worth nothing yet, with a link to each fix. */
function worthlessNotice(lead: string, reasons: readonly WorthlessReason[], id = 'worth-nothing-yet'): TrustedHtml {
  const why = reasons.map((reason) => WORTH_WORDS.reasons[reason]).join(' and ');
  const fixes = reasons.map((reason) => html`<a href="${WORTH_WORDS.fixes[reason].href}">${WORTH_WORDS.fixes[reason].text}</a>`);
  const joined = fixes.flatMap((fix, index) => (index === 0 ? [fix] : [html` and `, fix]));
  return html`<p class="notice error" role="status" id="${id}">${lead} ${why}. ${WORTH_WORDS.countsIf} ${joined} ${WORTH_WORDS.beforeEnd}</p>`;
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

import { isKibbleError } from '../../errors';
import type { WorthlessReason } from '../../money/flattr-worth';
import { flattr, hasFlattred } from '../../services/clicks/clicks';
import { flattrWorthNow, type FlattrWorthNow } from '../../services/clicks/flattr-worth';
import { clickPeriodAt } from '../../services/period-closure';
import { thingClickCount } from '../../services/stats';
import { isSubscribed, subscribe } from '../../services/subscriptions/subscriptions';
import { getThing, ownerHandleOf, type ThingView } from '../../services/things/things';
import { escapeHtml, html, type TrustedHtml } from '../html';
import { csrfInput, layout, notice } from './layout';
import { richText } from './rich-text';
import { fiatLine } from './fiat-pages';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/**
 * A thing's public page (/t/:thingId): its title, link, creator and this period's flattrs, the
 * button creators embed, and for a signed-in donor the flattr and subscribe forms. An unknown or
 * malformed id is a 404 (getThing), rendered as a page by the router.
 */

/** Notices after a flattr or a subscription (`?flattred=1`), by the query key. */
const DONE_NOTICES = { flattred: 'thing:done.flattred', subscribed: 'thing:done.subscribed' } as const;
type Done = keyof typeof DONE_NOTICES;

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
        if (isKibbleError(error, 'own-thing')) return thingPage(ctx, thing, { error: ctx.i18n.t('thing:refused.ownFlattr') }, 403);
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
        if (isKibbleError(error, 'own-thing')) return thingPage(ctx, thing, { error: ctx.i18n.t('thing:refused.ownSubscribe') }, 403);
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
  const { t } = ctx.i18n;
  const done = (Object.keys(DONE_NOTICES) as Done[]).find((key) => ctx.req.query[key] === '1');
  // "Thanks, it counts" only when it does: a worthless flattr says so and how to fix it instead.
  const doneNotice =
    done === 'flattred' && worth !== undefined && worth.reasons.length > 0
      ? worthlessNotice(ctx, t('thing:worthless.recorded', { period }), worth.reasons, 'flattr-recorded-worthless')
      : notice(done === undefined ? undefined : t(DONE_NOTICES[done], { period }));
  const flattrs = t('thing:count', { count });

  let action: TrustedHtml;
  if (donorId === undefined) {
    action = html`<p><a id="flattr-signin" class="button" href="/signin?next=/t/${id}">${t('thing:signInToFlattr')}</a></p>
<p>${richText(ctx.i18n, 'thing:newToKibble', {}, { signUp: html`<a href="/signup?next=/t/${id}">${t('common:nav.signUp')}</a>` })}</p>`;
  } else if (own) {
    action = html`<p id="own-thing">${t('thing:own')}</p>`;
  } else {
    const flattrPart = flattred
      ? html`<p id="flattred">${t('thing:flattred', { period })}</p>`
      : html`<form id="flattr-form" class="inline" method="post" action="/t/${id}/flattr">${csrfInput(ctx.csrfToken)}<button type="submit">${t('thing:flattr')}</button></form>`;
    const subscribePart = subscribed
      ? html`<p id="subscribed">${richText(ctx.i18n, 'thing:subscribed', {}, { link: html`<a href="/donor">${t('thing:yourSubscriptions')}</a>` })}</p>`
      : html`<form id="subscribe-form" class="inline" method="post" action="/t/${id}/subscribe">${csrfInput(ctx.csrfToken)}<button type="submit" class="secondary">${t('thing:subscribe')}</button></form>`;
    const fiat = worth === undefined || worth.reasons.length > 0 ? html`` : await fiatLine(ctx, donorId, worth.worth, 'flattr-worth-fiat', 'fiat:thing.worth');
    action = html`${worth === undefined ? html`` : worthText(ctx, worth)}${fiat}<div class="actions">${flattrPart} ${subscribePart}</div>`;
  }

  const main = html`${doneNotice}${notice(state.error, 'error')}
<p>${thingLink(thing.url)}</p>
<p>${richText(ctx.i18n, 'thing:by', {}, { owner: html`<strong id="thing-owner">${ownerHandle ?? t('thing:formerUser')}</strong>` })}</p>
<p>${richText(ctx.i18n, 'thing:countIn', { period }, { count: html`<strong id="flattr-count">${flattrs}</strong>` })}</p>
<section aria-labelledby="flattr-heading">
<h2 id="flattr-heading">${t('thing:heading.flattr')}</h2>
${action}
</section>
<section aria-labelledby="button-heading">
<h2 id="button-heading">${t('thing:heading.button')}</h2>
<p><img id="button-preview" src="/t/${id}/button.svg?n=${count}" alt="${t('thing:buttonAlt', { flattrs, period })}" height="20"></p>
${own ? embedCode(ctx, thing) : html``}
</section>`;
  return { status, page: layout(ctx, thing.title, main) };
}

function worthText(ctx: PageContext, worth: FlattrWorthNow): TrustedHtml {
  const { t } = ctx.i18n;
  if (worth.reasons.length > 0) return html`<div id="flattr-worth">${worthlessNotice(ctx, t(worth.counted ? 'thing:worthless.is' : 'thing:worthless.would'), worth.reasons)}</div>`;
  const amount = ctx.i18n.formatAmount(worth.worth, { ticker: ctx.deps.chain.ticker });
  const vars = { worth: amount, count: worth.clicks, fee: ctx.i18n.formatNumber(ctx.deps.config.serviceFeeBps / 10_000, { style: 'percent', maximumFractionDigits: 2 }) };
  return html`<p id="flattr-worth">${t(worth.counted ? 'thing:worth.is' : 'thing:worth.would', vars)}</p>`;
}

/** Why a flattr is worth nothing yet, with a link to each fix (the same words as the donor page's). */
function worthlessNotice(ctx: PageContext, lead: string, reasons: readonly WorthlessReason[], id = 'worth-nothing-yet'): TrustedHtml {
  const { t } = ctx.i18n;
  const why = reasons.map((reason) => t(`thing:reason.${reason}`)).join(t('thing:and'));
  const fixes = reasons.map((reason) => html`<a href="${WORTHLESS_FIX_TARGETS[reason]}">${t(`thing:fix.${reason}`)}</a>`);
  const joined = html`${fixes.flatMap((fix, index) => (index === 0 ? [fix] : [html`${t('thing:and')}`, fix]))}`;
  return html`<p class="notice error" role="status" id="${id}">${richText(ctx.i18n, 'thing:worthless.explain', { lead, why }, { fixes: joined })}</p>`;
}

const WORTHLESS_FIX_TARGETS: Readonly<Record<WorthlessReason, string>> = { 'no-budget': '/donor#budget-heading', 'no-balance': '/donor#deposit-heading' };

/** Only http(s) URLs become links (the things service accepts no other); anything else stays text. */
function thingLink(url: string): TrustedHtml {
  return /^https?:\/\//i.test(url) ? html`<a id="thing-url" href="${url}" rel="nofollow ugc noopener">${url}</a>` : html`<span id="thing-url">${url}</span>`;
}

/** The markup a creator pastes into their site, shown as text (escaped once for the snippet, once for the page). */
function embedCode(ctx: PageContext, thing: ThingView): TrustedHtml {
  const base = `${ctx.deps.config.publicUrl}/t/${thing.id}`;
  const { t } = ctx.i18n;
  const snippet = `<a href="${escapeHtml(base)}"><img src="${escapeHtml(`${base}/button.svg`)}" alt="${escapeHtml(t('thing:embedAlt', { title: thing.title }))}" height="20"></a>`;
  return html`<p>${t('thing:embedLead')}</p>
<p><code id="embed-code">${snippet}</code></p>
<p><button type="button" class="secondary" data-copy="embed-code" data-copied="${t('thing:copied')}">${t('thing:copyCode')}</button></p>`;
}

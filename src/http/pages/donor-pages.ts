import QRCode from 'qrcode';
import { ERROR_CATALOGUE, isKibbleError } from '../../errors';
import { localizedErrorMessage } from '../../i18n/error-messages';
import type { Translator } from '../../i18n/translator';
import { parseLocalizedCoins } from '../../i18n/parse-amount';
import { formatCoins } from '../../money/amount';
import { worthlessReasons, type DonorFunds, type WorthlessReason } from '../../money/flattr-worth';
import { accountOverview, setMonthlyBudget, type AccountOverview, type PendingDeposit } from '../../services/accounts/accounts';
import { clicksOf, type ClickValue, type DonorPeriodClicks } from '../../services/clicks/clicks';
import { DONOR_MONTHS_DEFAULT, donorMonths, type DonorMonth } from '../../services/donor-months';
import { clickPeriodAt } from '../../services/period-closure';
import { subscriptionsOf, unsubscribe, type SubscriptionWithThing } from '../../services/subscriptions/subscriptions';
import { sendTestCoins, TEST_COINS_MAX } from '../../services/test-coins';
import { thingsByIds } from '../../services/things/things';
import { tipOrUndefined } from '../chain-tip';
import { proofLink, provableMonths } from './proof-pages';
import { html, trustedHtml, type TrustedHtml } from '../html';
import { csrfInput, field, layout, notice } from './layout';
import { richText } from './rich-text';
import { fiatSection } from './fiat-pages';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';
import { myReservesProofSection } from './reserves-pages';

/**
 * The donor's page: where to send coins (address, QR code, wallet link), the balance and the
 * deposits on their way, the monthly budget, this month's flattrs with what each is worth if the
 * month ended now, the subscriptions, and what earlier months gave to whom. Everything shown is the
 * session's own account: no route here takes an account id from the request.
 */

/** Where each fix of a worthless flattr is, on this page; the words are the thing page's (thing namespace). */
const WORTHLESS_FIX_TARGETS: Readonly<Record<WorthlessReason, string>> = { 'no-budget': '#budget-heading', 'no-balance': '#deposit-heading' };

const SAVED_NOTICES = { budget: 'donor:saved.budget', unsubscribed: 'donor:saved.unsubscribed' } as const;

interface DonorPageState {
  /** What was typed into the budget field, with the reason it was refused. */
  budget?: { value: string; error: string };
  /** Likewise for the test coins form (embedded regtest stack only). */
  testCoins?: { value: string; error: string };
  error?: string;
}

export const donorPages: PageRoute[] = [
  {
    method: 'get',
    path: '/donor',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor');
      return donorPage(ctx, ctx.accountId, {});
    },
  },
  {
    method: 'post',
    path: '/donor/budget',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor');
      const value = ctx.form.monthlyBudget ?? '';
      try {
        // The form speaks the reader's locale ("10,5" in French); the service takes the canonical form.
        const units = parseLocalizedCoins(value, ctx.i18n.locale, { maxMoney: ctx.deps.chain.maxMoney, ticker: ctx.deps.chain.ticker });
        await setMonthlyBudget(ctx.accountId, formatCoins(units), ctx.deps.chain);
      } catch (error) {
        if (!isKibbleError(error) || !error.code.startsWith('amount-')) throw error;
        return donorPage(ctx, ctx.accountId, { budget: { value, error: localizedErrorMessage(ctx.i18n, error) } }, 400);
      }
      return { redirect: '/donor?saved=budget' };
    },
  },
  {
    method: 'post',
    path: '/donor/test-coins',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor');
      const value = ctx.form.amount ?? '';
      const { deps } = ctx;
      try {
        const overview = await accountOverview(ctx.accountId, { deriver: deps.deriver, chainTip: () => Promise.resolve(undefined) });
        // "10,5" in French: read in the reader's locale, handed on in the canonical form.
        const canonical = formatCoins(parseLocalizedCoins(value, ctx.i18n.locale, { maxMoney: deps.chain.maxMoney, ticker: deps.chain.ticker }));
        await sendTestCoins(overview.depositAddress, canonical, { faucet: deps.testCoins, chain: deps.chain, deriver: deps.deriver });
      } catch (error) {
        if (isKibbleError(error) && error.code.startsWith('amount-')) return donorPage(ctx, ctx.accountId, { testCoins: { value, error: localizedErrorMessage(ctx.i18n, error) } }, 400);
        if (isKibbleError(error, 'insufficient-funds') || isKibbleError(error, 'dev-chain-only')) {
          return donorPage(ctx, ctx.accountId, { error: ctx.i18n.t('donor:testCoins.refused', { reason: localizedErrorMessage(ctx.i18n, error) }) }, ERROR_CATALOGUE[error.code].httpStatus);
        }
        throw error;
      }
      return { redirect: '/donor?saved=test-coins' };
    },
  },
  {
    method: 'post',
    path: '/donor/subscriptions/:subscriptionId/delete',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor');
      try {
        await unsubscribe(ctx.accountId, String(ctx.req.params.subscriptionId));
      } catch (error) {
        if (!isKibbleError(error)) throw error;
        // Already gone (another tab) or not one of this donor's: the same answer, ids cannot be probed.
        return donorPage(ctx, ctx.accountId, { error: ctx.i18n.t('donor:unsubscribe.refused', { reason: localizedErrorMessage(ctx.i18n, error) }) }, ERROR_CATALOGUE[error.code].httpStatus);
      }
      return { redirect: '/donor?saved=unsubscribed' };
    },
  },
];

async function donorPage(ctx: PageContext, accountId: string, state: DonorPageState, status = 200): Promise<PageResult> {
  const { deps, now } = ctx;
  const period = await clickPeriodAt(now);
  const [overview, thisMonth, subscriptions, past, provable] = await Promise.all([
    accountOverview(accountId, { deriver: deps.deriver, chainTip: () => tipOrUndefined(deps, 'the donor page') }),
    clicksOf(accountId, period, deps.config.serviceFeeBps, now),
    subscriptionsOf(accountId),
    donorMonths(accountId, { before: period, limit: DONOR_MONTHS_DEFAULT, serviceFeeBps: deps.config.serviceFeeBps, now }),
    provableMonths(),
  ]);
  const titles = await thingTitles([...thisMonth.clicks, ...past.flatMap((month) => month.clicks)].map((click) => click.thingId));
  const saved = typeof ctx.req.query.saved === 'string' ? savedNotice(ctx, ctx.req.query.saved) : undefined;
  const view: View = { ticker: deps.chain.ticker, titles, provable, i18n: ctx.i18n };
  const main = html`${notice(saved)}${notice(state.error, 'error')}
${await depositSection(ctx, overview, state, view)}
${budgetSection(ctx, overview, state, view)}
${await fiatSection(ctx, accountId, overview.balance, overview.monthlyBudget)}
${thisMonthSection(thisMonth, view)}
${subscriptionsSection(ctx, subscriptions)}
${pastMonthsSection(past, view)}
${myReservesProofSection('donor', ctx.i18n)}`;
  return { status, page: layout(ctx, ctx.i18n.t('donor:title', { handle: overview.handle }), main) };
}

interface View {
  ticker: string;
  titles: ReadonlyMap<string, string>;
  /** Months whose allocations are committed on chain: a proof can be downloaded. */
  provable?: ReadonlySet<string>;
  i18n: Translator;
}

// ---------------------------------------------------------------------------------------------
// Deposits

function savedNotice(ctx: PageContext, key: string): string | undefined {
  if (key === 'budget' || key === 'unsubscribed') return ctx.i18n.t(SAVED_NOTICES[key]);
  if (key !== 'test-coins') return undefined;
  return ctx.i18n.t('donor:saved.testCoins', { confirmations: ctx.deps.config.minConfirmations, blocks: blocksText(ctx) });
}

function blocksText(ctx: PageContext): string {
  const seconds = ctx.deps.testCoins?.blockSeconds ?? 0;
  return seconds > 0 ? ctx.i18n.t('donor:blocks.every', { seconds, total: seconds * ctx.deps.config.minConfirmations }) : ctx.i18n.t('donor:blocks.off');
}

/** The embedded regtest stack only: coins from its faucet, so a first month needs no outside help. */
function testCoinsForm(ctx: PageContext, state: DonorPageState): TrustedHtml {
  if (ctx.deps.testCoins === undefined) return html``;
  const ticker = ctx.deps.chain.ticker;
  const { t } = ctx.i18n;
  return html`<section id="test-coins" aria-labelledby="test-coins-heading">
<h3 id="test-coins-heading">${t('donor:testCoins.heading')}</h3>
<p>${t('donor:testCoins.intro', { blocks: blocksText(ctx) })}</p>
<form id="test-coins-form" method="post" action="/donor/test-coins" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'amount', label: t('donor:testCoins.label', { ticker, max: ctx.i18n.formatAmount(TEST_COINS_MAX) }), value: state.testCoins?.value ?? '100', required: true, inputmode: 'decimal', ...(state.testCoins ? { error: state.testCoins.error } : {}) })}
<p><button type="submit">${t('donor:testCoins.submit')}</button></p></form>
</section>`;
}

async function depositSection(ctx: PageContext, overview: AccountOverview, state: DonorPageState, view: View): Promise<TrustedHtml> {
  const { chain, config } = ctx.deps;
  const { t } = ctx.i18n;
  const uri = `${chain.uriScheme}:${overview.depositAddress}`;
  return html`<section aria-labelledby="deposit-heading">
<h2 id="deposit-heading">${t('donor:deposit.heading')}</h2>
<p>${t('donor:deposit.intro', { ticker: chain.ticker, confirmations: config.minConfirmations })}</p>
<p>${richText(ctx.i18n, 'donor:deposit.address', {}, { address: html`<code id="deposit-address">${overview.depositAddress}</code>` })}
<button type="button" class="secondary" data-copy="deposit-address" data-copied="${t('donor:deposit.copied')}">${t('donor:deposit.copy')}</button></p>
<div id="deposit-qr" class="qr">${await qrCode(uri, t('donor:deposit.qr'))}</div>
<p><a id="deposit-uri" href="${uri}">${t('donor:deposit.openWallet')}</a></p>
${testCoinsForm(ctx, state)}
<p>${richText(ctx.i18n, 'donor:deposit.balance', {}, { balance: html`<strong><span id="balance">${coins(overview.balance, view)}</span></strong>` })}</p>
<h3 id="pending-heading">${t('donor:pending.heading')}</h3>
${pendingTable(overview.pendingDeposits, config.minConfirmations, view)}
<p><a href="/me/deposits">${t('donor:deposit.all')}</a></p>
</section>`;
}

/** The address's URI as an inline SVG QR code (no image request, nothing for the CSP to refuse). */
async function qrCode(uri: string, label: string): Promise<TrustedHtml> {
  const svg = (await QRCode.toString(uri, { type: 'svg', margin: 1 })).trim();
  // The library's own markup is the only thing passed through unescaped, and only if it is an SVG.
  if (!svg.startsWith('<svg') || !svg.endsWith('</svg>')) throw new Error('qrcode did not return an SVG');
  return trustedHtml(svg.replace(/^<svg /, html`<svg role="img" aria-label="${label}" `.markup));
}

function pendingTable(deposits: readonly PendingDeposit[], required: number, view: View): TrustedHtml {
  const { t } = view.i18n;
  const rows = deposits.map(
    (deposit) => html`<tr class="pending-row"><td class="num">${coins(deposit.amount, view)}</td><td>${confirmationsText(view.i18n, deposit.confirmations, required)}</td><td><code>${deposit.txid.slice(0, 16)}…:${deposit.vout}</code></td></tr>`,
  );
  const body = rows.length === 0 ? html`<tr><td colspan="3">${t('donor:pending.none')}</td></tr>` : html`${rows}`;
  return html`<div class="table-wrap" tabindex="0"><table id="pending-deposits" aria-labelledby="pending-heading">
<thead><tr><th scope="col" class="num">${t('donor:pending.amount')}</th><th scope="col">${t('donor:pending.confirmations')}</th><th scope="col">${t('donor:pending.transaction')}</th></tr></thead>
<tbody>${body}</tbody></table></div>`;
}

function confirmationsText(i18n: Translator, confirmations: number | undefined, required: number): string {
  if (confirmations === undefined) return i18n.t('donor:pending.unknown', { required });
  if (confirmations === 0) return i18n.t('donor:pending.notInBlock', { required });
  return i18n.t('donor:pending.of', { confirmations: Math.min(confirmations, required), required });
}

// ---------------------------------------------------------------------------------------------
// Budget

function budgetSection(ctx: PageContext, overview: AccountOverview, state: DonorPageState, view: View): TrustedHtml {
  const { i18n } = ctx;
  // Written back as the reader writes it ("2,5" in French, no digit groups): the form takes it again.
  const value = state.budget?.value ?? formatCoins(overview.monthlyBudget).replace('.', decimalSign(i18n));
  return html`<section aria-labelledby="budget-heading">
<h2 id="budget-heading">${i18n.t('donor:budget.heading')}</h2>
<p>${richText(i18n, 'donor:budget.now', { fee: feeText(i18n, ctx.deps.config.serviceFeeBps) }, { budget: html`<strong id="monthly-budget">${coins(overview.monthlyBudget, view)}</strong>` })}</p>
<form id="budget-form" method="post" action="/donor/budget" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'monthlyBudget', label: i18n.t('donor:budget.label', { ticker: view.ticker, example1: '10', example2: `2${decimalSign(i18n)}5` }), value, required: true, inputmode: 'decimal', ...(state.budget ? { error: state.budget.error } : {}) })}
<p><button type="submit">${i18n.t('donor:budget.submit')}</button></p></form>
</section>`;
}

function decimalSign(i18n: Translator): string {
  return i18n.formatNumber(0.5).replace(/[0-9]/g, '');
}

function feeText(i18n: Translator, bps: number): string {
  return i18n.formatNumber(bps / 10_000, { style: 'percent', maximumFractionDigits: 2 });
}

// ---------------------------------------------------------------------------------------------
// This month

function worthlessWarning(month: DonorPeriodClicks & { funds: DonorFunds }, view: View): TrustedHtml {
  const { i18n } = view;
  const reasons = worthlessReasons(month.funds);
  if (month.totals.clickCount === 0 || reasons.length === 0) return html``;
  const why = reasons.map((reason) => i18n.t(`thing:reason.${reason}`)).join(i18n.t('thing:and'));
  const fixes = reasons.map((reason) => html`<a href="${WORTHLESS_FIX_TARGETS[reason]}">${i18n.t(`thing:fix.${reason}`)}</a>`);
  const joined = html`${fixes.flatMap((fix, index) => (index === 0 ? [fix] : [html`${i18n.t('thing:and')}`, fix]))}`;
  const lead = i18n.t('donor:worthless.lead', { count: month.totals.clickCount });
  return html`<p class="notice error" role="status" id="worth-nothing-yet">${richText(i18n, 'donor:worthless.explain', { lead, why }, { fixes: joined })}</p>`;
}

function thisMonthSection(month: DonorPeriodClicks & { funds: DonorFunds }, view: View): TrustedHtml {
  const { i18n } = view;
  const { t } = i18n;
  const rows = month.clicks.map(
    (click) => html`<tr class="flattr-row"><td>${thingLink(click.thingId, view)}</td><td>${clickedAt(click, view)}</td><td>${t(`donor:source.${click.source}`)}</td><td class="num">${coins(click.value, view)}</td></tr>`,
  );
  const body = rows.length === 0 ? html`<tr><td colspan="4">${t('donor:month.none')}</td></tr>` : html`${rows}`;
  const summary =
    month.totals.clickCount === 0
      ? html`<p>${t('donor:month.hint')}</p>`
      : html`<p>${richText(i18n, 'donor:month.ifEnded', { fee: coins(month.totals.fee, view), count: month.totals.clickCount }, { charge: html`<strong>${coins(month.totals.charge, view)}</strong>` })}</p>`;
  return html`<section aria-labelledby="month-heading">
<h2 id="month-heading">${t('donor:month.heading', { period: month.period })}</h2>
${worthlessWarning(month, view)}
${summary}
<div class="table-wrap" tabindex="0"><table id="this-month" aria-labelledby="month-heading">
<thead><tr><th scope="col">${t('donor:month.thing')}</th><th scope="col">${t('donor:month.flattred')}</th><th scope="col">${t('donor:month.source')}</th><th scope="col" class="num">${t('donor:month.worth')}</th></tr></thead>
<tbody>${body}</tbody></table></div>
</section>`;
}

function clickedAt(click: ClickValue, view: View): TrustedHtml {
  return click.at === null ? html`${view.i18n.t('donor:month.atEnd')}` : html`<time datetime="${click.at.toISOString()}">${view.i18n.formatDate(click.at, 'dateTime')}</time>`;
}

// ---------------------------------------------------------------------------------------------
// Subscriptions

function subscriptionsSection(ctx: PageContext, subscriptions: readonly SubscriptionWithThing[]): TrustedHtml {
  const { i18n } = ctx;
  const { t } = i18n;
  const rows = subscriptions.map((subscription) => {
    const title = subscription.thing?.title ?? t('donor:subscriptions.gone');
    return html`<tr class="subscription-row"><td>${subscription.thing === null ? html`${title}` : html`<a href="/t/${subscription.thingId}">${title}</a>`}</td>
<td><time datetime="${subscription.createdAt.toISOString()}">${i18n.formatDate(subscription.createdAt, 'dateTime')}</time></td>
<td><form class="inline" method="post" action="/donor/subscriptions/${subscription.id}/delete" data-confirm="${t('donor:subscriptions.confirm', { title })}">${csrfInput(ctx.csrfToken)}<button type="submit" class="secondary" aria-label="${t('donor:subscriptions.unsubscribeFrom', { title })}">${t('donor:subscriptions.unsubscribe')}</button></form></td></tr>`;
  });
  const body = rows.length === 0 ? html`<tr><td colspan="3">${t('donor:subscriptions.none')}</td></tr>` : html`${rows}`;
  return html`<section aria-labelledby="subscriptions-heading">
<h2 id="subscriptions-heading">${t('donor:subscriptions.heading')}</h2>
<p>${t('donor:subscriptions.intro')}</p>
<div class="table-wrap" tabindex="0"><table id="subscriptions" aria-labelledby="subscriptions-heading">
<thead><tr><th scope="col">${t('donor:month.thing')}</th><th scope="col">${t('donor:subscriptions.since')}</th><th scope="col">${t('donor:subscriptions.action')}</th></tr></thead>
<tbody>${body}</tbody></table></div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Past months

function pastMonthsSection(months: readonly DonorMonth[], view: View): TrustedHtml {
  const { i18n } = view;
  const { t } = i18n;
  const body =
    months.length === 0
      ? html`<p>${t('donor:past.none')}</p>`
      : html`${months.map((month) => {
          const headingId = `past-${month.period}`;
          const rows = month.clicks.map(
            (click) => html`<tr class="past-row"><td>${thingLink(click.thingId, view)}</td><td>${t(`donor:source.${click.source}`)}</td><td class="num">${coins(click.value, view)}</td></tr>`,
          );
          const vars = { fee: coins(month.totals.fee, view), count: month.totals.clickCount };
          const charge = richText(i18n, month.final ? 'donor:past.charged' : 'donor:past.ifSettled', vars, { charge: html`<strong>${coins(month.totals.charge, view)}</strong>` });
          return html`<article class="past-month" aria-labelledby="${headingId}">
<h3 id="${headingId}">${t('donor:past.monthHeading', { period: month.period, status: statusText(month, i18n) })}</h3>
<p>${charge}${view.provable?.has(month.period) === true ? html` ${proofLink(month.period, view.provable, i18n)}` : ''}</p>
${month.final ? html`<p><a class="statement-link" href="/me/statements/${month.period}">${t('donor:past.statement', { period: month.period })}</a></p>` : html``}
<div class="table-wrap" tabindex="0"><table aria-labelledby="${headingId}">
<thead><tr><th scope="col">${t('donor:month.thing')}</th><th scope="col">${t('donor:month.source')}</th><th scope="col" class="num">${t('donor:past.share')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>
</article>`;
        })}`;
  return html`<section id="past-months" aria-labelledby="past-heading">
<h2 id="past-heading">${t('donor:past.heading')}</h2>
${body}
</section>`;
}

// ---------------------------------------------------------------------------------------------

async function thingTitles(ids: readonly string[]): Promise<Map<string, string>> {
  const things = await thingsByIds(ids);
  return new Map([...things].map(([id, thing]) => [id, thing.title]));
}

/** 'settled' once confirmed; before, the settlement's progress. */
function statusText(month: DonorMonth, i18n: Translator): string {
  if (month.settlementState === 'open') return i18n.t('donor:status.open');
  return month.settlementState === 'confirmed' ? i18n.t('donor:status.settled') : i18n.t('donor:status.settling', { state: month.settlementState });
}

function thingLink(thingId: string, view: View): TrustedHtml {
  const title = view.titles.get(thingId);
  return title === undefined ? html`${view.i18n.t('donor:subscriptions.gone')}` : html`<a href="/t/${thingId}">${title}</a>`;
}

/** An amount in the reader's locale, exact, with the chain's unit. */
function coins(amount: bigint, view: Pick<View, 'i18n' | 'ticker'>): string {
  return view.i18n.formatAmount(amount, { ticker: view.ticker });
}

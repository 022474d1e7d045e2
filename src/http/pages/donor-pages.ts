import QRCode from 'qrcode';
import { ERROR_CATALOGUE, isKibbleError } from '../../errors';
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
import { fiatSection } from './fiat-pages';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';
import { myReservesProofSection } from './reserves-pages';

/**
 * The donor's page: where to send coins (address, QR code, wallet link), the balance and the
 * deposits on their way, the monthly budget, this month's flattrs with what each is worth if the
 * month ended now, the subscriptions, and what earlier months gave to whom. Everything shown is the
 * session's own account: no route here takes an account id from the request.
 */

/** This month's flattrs when they are worth nothing yet, and the fix for each reason (links into this page). */
const WORTHLESS_WORDS = {
  lead: (count: number) => `Your ${count === 1 ? 'flattr' : `${count} flattrs`} this month ${count === 1 ? 'is' : 'are'} recorded but worth nothing yet:`,
  reasons: { 'no-budget': 'you have no monthly budget', 'no-balance': 'your balance is zero' } as Readonly<Record<WorthlessReason, string>>,
  fixes: { 'no-budget': { href: '#budget-heading', text: 'set a monthly budget' }, 'no-balance': { href: '#deposit-heading', text: 'fund your account' } } as Readonly<Record<WorthlessReason, { href: string; text: string }>>,
  countsIf: 'They count if you',
  beforeEnd: 'before the month ends.',
};

const SAVED_NOTICES: Readonly<Record<string, string>> = {
  budget: 'Your monthly budget is saved.',
  unsubscribed: 'You are unsubscribed.',
};

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
        await setMonthlyBudget(ctx.accountId, value.trim(), ctx.deps.chain);
      } catch (error) {
        if (!isKibbleError(error) || !error.code.startsWith('amount-')) throw error;
        return donorPage(ctx, ctx.accountId, { budget: { value, error: error.message } }, 400);
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
        await sendTestCoins(overview.depositAddress, value, { faucet: deps.testCoins, chain: deps.chain, deriver: deps.deriver });
      } catch (error) {
        if (isKibbleError(error) && error.code.startsWith('amount-')) return donorPage(ctx, ctx.accountId, { testCoins: { value, error: error.message } }, 400);
        if (isKibbleError(error, 'insufficient-funds') || isKibbleError(error, 'dev-chain-only')) {
          return donorPage(ctx, ctx.accountId, { error: `No test coins sent: ${error.message}.` }, ERROR_CATALOGUE[error.code].httpStatus);
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
        return donorPage(ctx, ctx.accountId, { error: `Could not unsubscribe: ${error.message}.` }, ERROR_CATALOGUE[error.code].httpStatus);
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
  const view: View = { ticker: deps.chain.ticker, titles, provable };
  const main = html`${notice(saved)}${notice(state.error, 'error')}
${await depositSection(ctx, overview, state)}
${budgetSection(ctx, overview, state, view)}
${await fiatSection(ctx, accountId, overview.balance, overview.monthlyBudget)}
${thisMonthSection(thisMonth, view)}
${subscriptionsSection(ctx, subscriptions)}
${pastMonthsSection(past, view)}
${myReservesProofSection('donor')}`;
  return { status, page: layout(ctx, `Donor: ${overview.handle}`, main) };
}

interface View {
  ticker: string;
  titles: ReadonlyMap<string, string>;
  /** Months whose allocations are committed on chain: a proof can be downloaded. */
  provable?: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// Deposits

function savedNotice(ctx: PageContext, key: string): string | undefined {
  if (key !== 'test-coins') return SAVED_NOTICES[key];
  return `Test coins sent to your deposit address. They show under "Deposits on their way" after the next deposit scan and count in your balance after ${ctx.deps.config.minConfirmations} confirmations${blocksText(ctx)}.`;
}

function blocksText(ctx: PageContext): string {
  const seconds = ctx.deps.testCoins?.blockSeconds ?? 0;
  return seconds > 0 ? ` (a block every ${seconds} s: about ${seconds * ctx.deps.config.minConfirmations} s)` : ' (mining is off: EMBEDDED_BLOCK_SECONDS=0)';
}

/** The embedded regtest stack only: coins from its faucet, so a first month needs no outside help. */
function testCoinsForm(ctx: PageContext, state: DonorPageState): TrustedHtml {
  if (ctx.deps.testCoins === undefined) return html``;
  const ticker = ctx.deps.chain.ticker;
  return html`<section id="test-coins" aria-labelledby="test-coins-heading">
<h3 id="test-coins-heading">Send test coins</h3>
<p>This kibble runs on its own test chain (regtest): its coins are worth nothing, and its faucet hands them out. They arrive like any deposit${blocksText(ctx)}.</p>
<form id="test-coins-form" method="post" action="/donor/test-coins" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'amount', label: `Test coins to send to your deposit address, in ${ticker} (up to ${formatCoins(TEST_COINS_MAX)})`, value: state.testCoins?.value ?? '100', required: true, ...(state.testCoins ? { error: state.testCoins.error } : {}) })}
<p><button type="submit">Send test coins</button></p></form>
</section>`;
}

async function depositSection(ctx: PageContext, overview: AccountOverview, state: DonorPageState): Promise<TrustedHtml> {
  const { chain, config } = ctx.deps;
  const uri = `${chain.uriScheme}:${overview.depositAddress}`;
  return html`<section aria-labelledby="deposit-heading">
<h2 id="deposit-heading">Fund your budget</h2>
<p>Send ${chain.ticker} to your own deposit address. A deposit counts in your balance once it has ${config.minConfirmations} confirmations.</p>
<p>Your deposit address: <code id="deposit-address">${overview.depositAddress}</code>
<button type="button" class="secondary" data-copy="deposit-address">Copy address</button></p>
<div id="deposit-qr" class="qr">${await qrCode(uri)}</div>
<p><a id="deposit-uri" href="${uri}">Open the address in your wallet app</a></p>
${testCoinsForm(ctx, state)}
<p>Balance: <strong><span id="balance">${coins(overview.balance, chain.ticker)}</span></strong></p>
<h3 id="pending-heading">Deposits on their way</h3>
${pendingTable(overview.pendingDeposits, config.minConfirmations, chain.ticker)}
<p><a href="/me/deposits">All your deposits</a></p>
</section>`;
}

/** The address's URI as an inline SVG QR code (no image request, nothing for the CSP to refuse). */
async function qrCode(uri: string): Promise<TrustedHtml> {
  const svg = (await QRCode.toString(uri, { type: 'svg', margin: 1 })).trim();
  // The library's own markup is the only thing passed through unescaped, and only if it is an SVG.
  if (!svg.startsWith('<svg') || !svg.endsWith('</svg>')) throw new Error('qrcode did not return an SVG');
  return trustedHtml(svg.replace(/^<svg /, '<svg role="img" aria-label="QR code of your deposit address" '));
}

function pendingTable(deposits: readonly PendingDeposit[], required: number, ticker: string): TrustedHtml {
  const rows = deposits.map(
    (deposit) => html`<tr class="pending-row"><td class="num">${coins(deposit.amount, ticker)}</td><td>${confirmationsText(deposit.confirmations, required)}</td><td><code>${deposit.txid.slice(0, 16)}…:${deposit.vout}</code></td></tr>`,
  );
  const body = rows.length === 0 ? html`<tr><td colspan="3">None right now.</td></tr>` : html`${rows}`;
  return html`<div class="table-wrap"><table id="pending-deposits" aria-labelledby="pending-heading">
<thead><tr><th scope="col" class="num">Amount</th><th scope="col">Confirmations</th><th scope="col">Transaction</th></tr></thead>
<tbody>${body}</tbody></table></div>`;
}

function confirmationsText(confirmations: number | undefined, required: number): string {
  if (confirmations === undefined) return `unknown right now (${required} needed)`;
  if (confirmations === 0) return `0 of ${required} (not in a block yet)`;
  return `${Math.min(confirmations, required)} of ${required}`;
}

// ---------------------------------------------------------------------------------------------
// Budget

function budgetSection(ctx: PageContext, overview: AccountOverview, state: DonorPageState, view: View): TrustedHtml {
  const value = state.budget?.value ?? formatCoins(overview.monthlyBudget);
  return html`<section aria-labelledby="budget-heading">
<h2 id="budget-heading">Monthly budget</h2>
<p>Now: <strong id="monthly-budget">${coins(overview.monthlyBudget, view.ticker)}</strong> a month. At the end of each month the smaller of your budget and your balance is split equally across that month's flattrs (less the ${feeText(ctx.deps.config.serviceFeeBps)} service fee). 0 pauses giving.</p>
<form id="budget-form" method="post" action="/donor/budget" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'monthlyBudget', label: `Monthly budget in ${view.ticker} (for example 10 or 2.5)`, value, required: true, ...(state.budget ? { error: state.budget.error } : {}) })}
<p><button type="submit">Save budget</button></p></form>
</section>`;
}

function feeText(bps: number): string {
  return `${bps / 100}%`;
}

// ---------------------------------------------------------------------------------------------
// This month

function worthlessWarning(month: DonorPeriodClicks & { funds: DonorFunds }): TrustedHtml {
  const reasons = worthlessReasons(month.funds);
  if (month.totals.clickCount === 0 || reasons.length === 0) return html``;
  const why = reasons.map((reason) => WORTHLESS_WORDS.reasons[reason]).join(' and ');
  const fixes = reasons.map((reason) => html`<a href="${WORTHLESS_WORDS.fixes[reason].href}">${WORTHLESS_WORDS.fixes[reason].text}</a>`);
  const joined = fixes.flatMap((fix, index) => (index === 0 ? [fix] : [html` and `, fix]));
  return html`<p class="notice error" role="status" id="worth-nothing-yet">${WORTHLESS_WORDS.lead(month.totals.clickCount)} ${why}. ${WORTHLESS_WORDS.countsIf} ${joined} ${WORTHLESS_WORDS.beforeEnd}</p>`;
}

function thisMonthSection(month: DonorPeriodClicks & { funds: DonorFunds }, view: View): TrustedHtml {
  const rows = month.clicks.map(
    (click) => html`<tr class="flattr-row"><td>${thingLink(click.thingId, view)}</td><td>${clickedAt(click)}</td><td>${click.source}</td><td class="num">${coins(click.value, view.ticker)}</td></tr>`,
  );
  const body = rows.length === 0 ? html`<tr><td colspan="4">No flattrs yet this month.</td></tr>` : html`${rows}`;
  const summary =
    month.totals.clickCount === 0
      ? html`<p>Flattr things with their kibble buttons; your budget is split across them at the end of the month.</p>`
      : html`<p>If the month ended now you would give <strong>${coins(month.totals.charge, view.ticker)}</strong> (of which ${coins(month.totals.fee, view.ticker)} service fee) split across ${countText(month.totals.clickCount, 'flattr')}.</p>`;
  return html`<section aria-labelledby="month-heading">
<h2 id="month-heading">This month: ${month.period}</h2>
${worthlessWarning(month)}
${summary}
<div class="table-wrap"><table id="this-month" aria-labelledby="month-heading">
<thead><tr><th scope="col">Thing</th><th scope="col">Flattred</th><th scope="col">Source</th><th scope="col" class="num">Worth if the month ended now</th></tr></thead>
<tbody>${body}</tbody></table></div>
</section>`;
}

function clickedAt(click: ClickValue): TrustedHtml {
  return click.at === null ? html`at the end of the month` : html`<time datetime="${click.at.toISOString()}">${utcText(click.at)}</time>`;
}

// ---------------------------------------------------------------------------------------------
// Subscriptions

function subscriptionsSection(ctx: PageContext, subscriptions: readonly SubscriptionWithThing[]): TrustedHtml {
  const rows = subscriptions.map((subscription) => {
    const title = subscription.thing?.title ?? 'a thing that no longer exists';
    return html`<tr class="subscription-row"><td>${subscription.thing === null ? html`${title}` : html`<a href="/t/${subscription.thingId}">${title}</a>`}</td>
<td><time datetime="${subscription.createdAt.toISOString()}">${utcText(subscription.createdAt)}</time></td>
<td><form class="inline" method="post" action="/donor/subscriptions/${subscription.id}/delete" data-confirm="Unsubscribe from ${title}?">${csrfInput(ctx.csrfToken)}<button type="submit" class="secondary" aria-label="Unsubscribe from ${title}">Unsubscribe</button></form></td></tr>`;
  });
  const body = rows.length === 0 ? html`<tr><td colspan="3">No subscriptions. Subscribe on a thing's page to flattr it every month.</td></tr>` : html`${rows}`;
  return html`<section aria-labelledby="subscriptions-heading">
<h2 id="subscriptions-heading">Subscriptions</h2>
<p>Each subscription flattrs its thing once every month, unless you flattred it that month anyway.</p>
<div class="table-wrap"><table id="subscriptions" aria-labelledby="subscriptions-heading">
<thead><tr><th scope="col">Thing</th><th scope="col">Since</th><th scope="col">Action</th></tr></thead>
<tbody>${body}</tbody></table></div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Past months

function pastMonthsSection(months: readonly DonorMonth[], view: View): TrustedHtml {
  const body =
    months.length === 0
      ? html`<p>No earlier months with flattrs yet.</p>`
      : html`${months.map((month) => {
          const headingId = `past-${month.period}`;
          const rows = month.clicks.map(
            (click) => html`<tr class="past-row"><td>${thingLink(click.thingId, view)}</td><td>${click.source}</td><td class="num">${coins(click.value, view.ticker)}</td></tr>`,
          );
          const charge = month.final
            ? html`Charged <strong>${coins(month.totals.charge, view.ticker)}</strong> (of which ${coins(month.totals.fee, view.ticker)} service fee)`
            : html`If it were settled now: <strong>${coins(month.totals.charge, view.ticker)}</strong> (of which ${coins(month.totals.fee, view.ticker)} service fee)`;
          return html`<article class="past-month" aria-labelledby="${headingId}">
<h3 id="${headingId}">${month.period}: ${statusText(month)}</h3>
<p>${charge} for ${countText(month.totals.clickCount, 'flattr')}.${view.provable?.has(month.period) === true ? html` ${proofLink(month.period, view.provable)}` : ''}</p>
${month.final ? html`<p><a class="statement-link" href="/me/statements/${month.period}">Statement of ${month.period}: every flattr and the payout that carried it</a></p>` : html``}
<div class="table-wrap"><table aria-labelledby="${headingId}">
<thead><tr><th scope="col">Thing</th><th scope="col">Source</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>${rows}</tbody></table></div>
</article>`;
        })}`;
  return html`<section id="past-months" aria-labelledby="past-heading">
<h2 id="past-heading">Past months</h2>
${body}
</section>`;
}

// ---------------------------------------------------------------------------------------------

async function thingTitles(ids: readonly string[]): Promise<Map<string, string>> {
  const things = await thingsByIds(ids);
  return new Map([...things].map(([id, thing]) => [id, thing.title]));
}

/** 'settled' once confirmed; before, the settlement's progress. */
function statusText(month: DonorMonth): string {
  if (month.settlementState === 'open') return 'not settled yet';
  return month.settlementState === 'confirmed' ? 'settled' : `being settled (${month.settlementState})`;
}

function thingLink(thingId: string, view: View): TrustedHtml {
  const title = view.titles.get(thingId);
  return title === undefined ? html`a thing that no longer exists` : html`<a href="/t/${thingId}">${title}</a>`;
}

function coins(amount: bigint, ticker: string): string {
  return `${formatCoins(amount)} ${ticker}`;
}

function countText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "2026-03-15 12:00 UTC": months are UTC, so are the times shown next to them. */
function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}


import { formatCoins } from '../../money/amount';
import { PERIOD_PATTERN } from '../../money/period';
import { KibbleError } from '../../errors';
import { DEPOSIT_PAGE_DEFAULT, depositHistory } from '../../services/statements/deposit-history';
import type { Payout } from '../../services/statements/payouts';
import { statementOf, type Statement } from '../../services/statements/statements';
import type { DonorStatementCreator, GiftStatus } from '../../services/statements/donor-statement';
import { tipOrUndefined } from '../chain-tip';
import { html, type TrustedHtml } from '../html';
import { statementSettings } from '../routes/statements';
import { statementCsv } from '../statement-views';
import { layout } from './layout';
import { fiatLine } from './fiat-pages';
import { signInFirst, type PageContext, type PageRoute } from './page';

/**
 * A month's statement (issue 15), printable: the same figures as GET /api/v1/me/statements/:period
 * (the same service), with the CSV one link away; and the deposit history. The session's own
 * account only.
 */

const WORDS = {
  title: (period: string) => `Statement ${period}`,
  settlement: 'Settlement',
  csv: 'Download as CSV',
  donorHeading: 'What you gave',
  charge: 'Charged',
  fee: 'Service fee',
  distributed: 'Shared across your flattrs',
  flattrsCaption: 'Every counted flattr and what it was worth',
  when: 'When',
  thing: 'Thing',
  creator: 'Creator',
  source: 'Source',
  worth: 'Worth',
  noFlattrs: 'No flattrs this month.',
  creatorsCaption: 'Per creator: the payout that carried your gift',
  amount: 'Amount',
  status: 'Status',
  payout: 'Payout (txid:vout)',
  confirmations: 'Confirmations',
  refundsCaption: 'Unclaimed gifts of earlier months returned to you',
  fromMonth: 'From month',
  creatorHeading: 'What you received',
  supporters: 'Supporters',
  carriedIn: 'Owed from earlier months',
  credited: 'Earned this month',
  returned: 'Returned to donors (unclaimed)',
  paid: 'Paid',
  carriedOut: 'Still owed (carried to a later month)',
  thingsCaption: 'Income per thing',
  flattrs: 'Flattrs',
  payoutsCaption: 'Payouts',
  noPayout: 'No payout this month.',
  unknownThing: 'a thing that no longer exists',
  unknownCreator: 'a closed account',
  gift: {
    paid: 'paid',
    'not-yet-broadcast': 'planned, not sent yet',
    'below-dust': 'carried: below the dust threshold, paid with a later month',
    'no-payout-address': 'unclaimed: the creator has no payout address',
  } satisfies Record<GiftStatus, string>,
  returnsOn: (date: string) => `returns to you on ${date} if still unclaimed`,
  depositsTitle: 'Your deposits',
  depositsCaption: 'Deposits, the latest first',
  outpoint: 'txid:vout',
  seen: 'Seen',
  credited_: 'Credited',
  pending: 'pending',
  noDeposits: 'No deposits yet.',
  newer: 'Newer',
  older: 'Older',
  back: 'Back to your donor page',
} as const;

export const statementPages: PageRoute[] = [
  // Before the page: express would take "2026-10.csv" as its :period otherwise.
  {
    method: 'get',
    path: '/me/statements/:period.csv',
    handler: async (ctx) => {
      const period = String(ctx.req.params.period ?? '');
      if (ctx.accountId === undefined) return signInFirst(`/me/statements/${encodeURIComponent(period)}.csv`);
      if (!PERIOD_PATTERN.test(period)) throw new KibbleError('period-invalid', `"${period}" is not a month (YYYY-MM)`);
      const statement = await statementOf(ctx.accountId, period, statementSettings(ctx.deps), () => tipOrUndefined(ctx.deps, 'statement CSV'));
      return { download: { contentType: 'text/csv; charset=utf-8', filename: `kibble-statement-${statement.period}.csv`, body: statementCsv(statement) } };
    },
  },
  {
    method: 'get',
    path: '/me/statements/:period',
    handler: async (ctx) => {
      const period = String(ctx.req.params.period ?? '');
      if (ctx.accountId === undefined) return signInFirst(`/me/statements/${encodeURIComponent(period)}`);
      if (!PERIOD_PATTERN.test(period)) throw new KibbleError('period-invalid', `"${period}" is not a month (YYYY-MM)`);
      const statement = await statementOf(ctx.accountId, period, statementSettings(ctx.deps), () => tipOrUndefined(ctx.deps, 'statement page'));
      const fiat = statement.donor.charge > 0n ? await fiatLine(ctx, ctx.accountId, statement.donor.charge, 'statement-fiat', 'fiat:statement.value') : html``;
      return { page: layout(ctx, WORDS.title(statement.period), html`${statementMain(ctx, statement)}${fiat}`) };
    },
  },
  {
    method: 'get',
    path: '/me/deposits',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/me/deposits');
      const offsetText = typeof ctx.req.query.offset === 'string' ? ctx.req.query.offset : '0';
      const offset = /^[0-9]{1,9}$/.test(offsetText) ? Number(offsetText) : 0;
      const page = await depositHistory(ctx.accountId, { offset, limit: DEPOSIT_PAGE_DEFAULT }, () => tipOrUndefined(ctx.deps, 'deposits page'));
      const ticker = ctx.deps.chain.ticker;
      const rows = page.deposits.map(
        (deposit) => html`<tr><td class="mono">${deposit.txid}:${deposit.vout}</td><td class="num">${formatCoins(deposit.amount)} ${ticker}</td><td>${utcText(deposit.seenAt)}</td><td>${deposit.creditedAt === null ? WORDS.pending : utcText(deposit.creditedAt)}</td><td class="num">${deposit.confirmations ?? '?'}</td></tr>`,
      );
      const newer = offset > 0 ? html`<a href="/me/deposits?offset=${Math.max(0, offset - page.limit)}">${WORDS.newer}</a> ` : html``;
      const older = offset + page.limit < page.total ? html`<a href="/me/deposits?offset=${offset + page.limit}">${WORDS.older}</a>` : html``;
      return {
        page: layout(
          ctx,
          WORDS.depositsTitle,
          html`<div class="table-wrap"><table id="deposit-history">
<caption>${WORDS.depositsCaption}</caption>
<thead><tr><th scope="col">${WORDS.outpoint}</th><th scope="col" class="num">${WORDS.amount}</th><th scope="col">${WORDS.seen}</th><th scope="col">${WORDS.credited_}</th><th scope="col" class="num">${WORDS.confirmations}</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">${WORDS.noDeposits}</td></tr>` : rows}</tbody>
</table></div>
<nav class="pages no-print" aria-label="deposit pages">${newer}${older}</nav>
<p class="no-print"><a href="/donor">${WORDS.back}</a></p>`,
        ),
      };
    },
  },
];

function statementMain(ctx: PageContext, statement: Statement): TrustedHtml {
  const ticker = ctx.deps.chain.ticker;
  const coins = (amount: bigint): string => `${formatCoins(amount)} ${ticker}`;
  return html`<p>${WORDS.settlement}: <span id="settlement-state">${statement.donor.settlementState}</span>
<a class="no-print" id="statement-csv" href="/me/statements/${statement.period}.csv" download>${WORDS.csv}</a></p>
${donorSection(statement, coins)}
${creatorSection(statement, coins)}`;
}

function donorSection(statement: Statement, coins: (amount: bigint) => string): TrustedHtml {
  const { donor } = statement;
  if (donor.flattrs.length === 0 && donor.refunds.length === 0) return html``;
  const flattrRows = donor.flattrs.map(
    (flattr) => html`<tr><td>${utcText(flattr.at)}</td><td>${flattr.thingTitle === null ? WORDS.unknownThing : html`<a href="/t/${flattr.thingId}">${flattr.thingTitle}</a>`}</td><td>${flattr.creatorHandle ?? WORDS.unknownCreator}</td><td>${flattr.source}</td><td class="num">${coins(flattr.value)}</td></tr>`,
  );
  const creatorRows = donor.creators.map(
    (gift) => html`<tr><td>${gift.creatorHandle ?? WORDS.unknownCreator}</td><td class="num">${coins(gift.amount)}</td><td>${giftStatusText(gift)}</td><td class="mono">${gift.payout === null ? '' : outpoint(gift.payout)}</td><td class="num">${gift.payout?.confirmations ?? ''}</td></tr>`,
  );
  const refunds =
    donor.refunds.length === 0
      ? html``
      : html`<div class="table-wrap"><table id="statement-refunds"><caption>${WORDS.refundsCaption}</caption>
<thead><tr><th scope="col">${WORDS.fromMonth}</th><th scope="col">${WORDS.creator}</th><th scope="col" class="num">${WORDS.amount}</th></tr></thead>
<tbody>${donor.refunds.map((refund) => html`<tr><td>${refund.fromPeriod}</td><td>${refund.creatorHandle ?? WORDS.unknownCreator}</td><td class="num">${coins(refund.amount)}</td></tr>`)}</tbody></table></div>`;
  return html`<section id="statement-donor" aria-labelledby="statement-donor-heading">
<h2 id="statement-donor-heading">${WORDS.donorHeading}</h2>
<dl class="facts"><dt>${WORDS.charge}</dt><dd id="statement-charge">${coins(donor.charge)}</dd><dt>${WORDS.fee}</dt><dd id="statement-fee">${coins(donor.fee)}</dd><dt>${WORDS.distributed}</dt><dd>${coins(donor.distributed)}</dd></dl>
<div class="table-wrap"><table id="statement-flattrs"><caption>${WORDS.flattrsCaption}</caption>
<thead><tr><th scope="col">${WORDS.when}</th><th scope="col">${WORDS.thing}</th><th scope="col">${WORDS.creator}</th><th scope="col">${WORDS.source}</th><th scope="col" class="num">${WORDS.worth}</th></tr></thead>
<tbody>${flattrRows.length === 0 ? html`<tr><td colspan="5">${WORDS.noFlattrs}</td></tr>` : flattrRows}</tbody></table></div>
<div class="table-wrap"><table id="statement-creators"><caption>${WORDS.creatorsCaption}</caption>
<thead><tr><th scope="col">${WORDS.creator}</th><th scope="col" class="num">${WORDS.amount}</th><th scope="col">${WORDS.status}</th><th scope="col">${WORDS.payout}</th><th scope="col" class="num">${WORDS.confirmations}</th></tr></thead>
<tbody>${creatorRows}</tbody></table></div>
${refunds}
</section>`;
}

function creatorSection(statement: Statement, coins: (amount: bigint) => string): TrustedHtml {
  const { creator } = statement;
  if (creator === null) return html``;
  const thingRows = creator.things.map(
    (thing) => html`<tr><td>${thing.title === null ? WORDS.unknownThing : html`<a href="/t/${thing.thingId}">${thing.title}</a>`}</td><td class="num">${thing.flattrs}</td><td class="num">${coins(thing.amount)}</td></tr>`,
  );
  const payoutRows = creator.payouts.map(
    (payout) => html`<tr><td class="mono">${outpoint(payout)}</td><td class="num">${coins(payout.amount)}</td><td>${payout.state}</td><td class="num">${payout.confirmations ?? '?'}</td></tr>`,
  );
  return html`<section id="statement-creator" aria-labelledby="statement-creator-heading">
<h2 id="statement-creator-heading">${WORDS.creatorHeading}</h2>
<dl class="facts"><dt>${WORDS.supporters}</dt><dd id="statement-supporters">${creator.supporters}</dd><dt>${WORDS.carriedIn}</dt><dd>${coins(creator.carriedIn)}</dd><dt>${WORDS.credited}</dt><dd>${coins(creator.credited)}</dd><dt>${WORDS.returned}</dt><dd>${coins(creator.returned)}</dd><dt>${WORDS.paid}</dt><dd>${coins(creator.paid)}</dd><dt>${WORDS.carriedOut}</dt><dd>${coins(creator.carriedOut)}</dd></dl>
<div class="table-wrap"><table id="statement-things"><caption>${WORDS.thingsCaption}</caption>
<thead><tr><th scope="col">${WORDS.thing}</th><th scope="col" class="num">${WORDS.flattrs}</th><th scope="col" class="num">${WORDS.amount}</th></tr></thead>
<tbody>${thingRows}</tbody></table></div>
<div class="table-wrap"><table id="statement-payouts"><caption>${WORDS.payoutsCaption}</caption>
<thead><tr><th scope="col">${WORDS.payout}</th><th scope="col" class="num">${WORDS.amount}</th><th scope="col">${WORDS.status}</th><th scope="col" class="num">${WORDS.confirmations}</th></tr></thead>
<tbody>${payoutRows.length === 0 ? html`<tr><td colspan="4">${WORDS.noPayout}</td></tr>` : payoutRows}</tbody></table></div>
</section>`;
}

function giftStatusText(gift: DonorStatementCreator): string {
  const text = WORDS.gift[gift.status];
  return gift.returnsOn === null ? text : `${text}; ${WORDS.returnsOn(gift.returnsOn.date.toISOString().slice(0, 10))}`;
}

function outpoint(payout: Payout): string {
  return `${payout.txid}:${payout.vout}`;
}

/** "2026-03-15 12:00 UTC": months are UTC, so are the times shown. */
function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

import { PERIOD_PATTERN } from '../../money/period';
import { KibbleError } from '../../errors';
import type { MessageKey, Translator } from '../../i18n/translator';
import type { ClickSource } from '../../services/clicks/clicks';
import { settlementStateName } from '../../services/settlement/words';
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
      return { page: layout(ctx, ctx.i18n.t('statements:title', { month: ctx.i18n.formatPeriod(statement.period) }), html`${statementMain(ctx, statement)}${fiat}`) };
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
      const tr = ctx.i18n;
      const ticker = ctx.deps.chain.ticker;
      const when = (date: Date): string => tr.formatDate(date, 'dateTime');
      const rows = page.deposits.map(
        (deposit) => html`<tr><td class="mono">${deposit.txid}:${deposit.vout}</td><td class="num">${tr.formatAmount(deposit.amount, { ticker })}</td><td>${when(deposit.seenAt)}</td><td>${deposit.creditedAt === null ? tr.t('statements:pending') : when(deposit.creditedAt)}</td><td class="num">${deposit.confirmations === null ? '?' : tr.formatNumber(deposit.confirmations)}</td></tr>`,
      );
      const newer = offset > 0 ? html`<a href="/me/deposits?offset=${Math.max(0, offset - page.limit)}">${tr.t('statements:newer')}</a> ` : html``;
      const older = offset + page.limit < page.total ? html`<a href="/me/deposits?offset=${offset + page.limit}">${tr.t('statements:older')}</a>` : html``;
      return {
        page: layout(
          ctx,
          tr.t('statements:depositsTitle'),
          html`<div class="table-wrap" tabindex="0"><table id="deposit-history">
<caption>${tr.t('statements:depositsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('statements:outpoint')}</th><th scope="col" class="num">${tr.t('statements:amount')}</th><th scope="col">${tr.t('statements:seen')}</th><th scope="col">${tr.t('statements:creditedAt')}</th><th scope="col" class="num">${tr.t('statements:confirmations')}</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">${tr.t('statements:noDeposits')}</td></tr>` : rows}</tbody>
</table></div>
<nav class="pages no-print" aria-label="${tr.t('statements:depositPages')}">${newer}${older}</nav>
<p class="no-print"><a href="/donor">${tr.t('statements:back')}</a></p>`,
        ),
      };
    },
  },
];

function statementMain(ctx: PageContext, statement: Statement): TrustedHtml {
  const tr = ctx.i18n;
  const ticker = ctx.deps.chain.ticker;
  const words: Words = {
    tr,
    coins: (amount) => tr.formatAmount(amount, { ticker }),
    when: (date) => tr.formatDate(date, 'dateTime'),
    count: (value) => tr.formatNumber(value),
  };
  const state = statement.donor.settlementState;
  return html`<p>${tr.t('statements:settlement')}: <span id="settlement-state" data-state="${state}">${settlementStateName(tr, state)}</span>
<a class="no-print" id="statement-csv" href="/me/statements/${statement.period}.csv" download>${tr.t('statements:csv')}</a></p>
${donorSection(statement, words)}
${creatorSection(statement, words)}`;
}

/** The page's locale and its formats, handed to each section. */
interface Words {
  tr: Translator;
  coins: (amount: bigint) => string;
  when: (date: Date) => string;
  count: (value: number) => string;
}

function donorSection(statement: Statement, { tr, coins, when }: Words): TrustedHtml {
  const { donor } = statement;
  if (donor.flattrs.length === 0 && donor.refunds.length === 0) return html``;
  const unknownCreator = tr.t('statements:unknownCreator');
  const flattrRows = donor.flattrs.map(
    (flattr) => html`<tr><td>${when(flattr.at)}</td><td>${flattr.thingTitle === null ? tr.t('statements:unknownThing') : html`<a href="/t/${flattr.thingId}">${flattr.thingTitle}</a>`}</td><td>${flattr.creatorHandle ?? unknownCreator}</td><td>${tr.t(SOURCE_KEYS[flattr.source])}</td><td class="num">${coins(flattr.value)}</td></tr>`,
  );
  const creatorRows = donor.creators.map(
    (gift) => html`<tr><td>${gift.creatorHandle ?? unknownCreator}</td><td class="num">${coins(gift.amount)}</td><td>${giftStatusText(gift, tr)}</td><td class="mono">${gift.payout === null ? '' : outpoint(gift.payout)}</td><td class="num">${gift.payout?.confirmations ?? ''}</td></tr>`,
  );
  const refunds =
    donor.refunds.length === 0
      ? html``
      : html`<div class="table-wrap" tabindex="0"><table id="statement-refunds"><caption>${tr.t('statements:refundsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('statements:fromMonth')}</th><th scope="col">${tr.t('statements:creator')}</th><th scope="col" class="num">${tr.t('statements:amount')}</th></tr></thead>
<tbody>${donor.refunds.map((refund) => html`<tr><td>${tr.formatPeriod(refund.fromPeriod)}</td><td>${refund.creatorHandle ?? unknownCreator}</td><td class="num">${coins(refund.amount)}</td></tr>`)}</tbody></table></div>`;
  return html`<section id="statement-donor" aria-labelledby="statement-donor-heading">
<h2 id="statement-donor-heading">${tr.t('statements:donorHeading')}</h2>
<dl class="facts"><dt>${tr.t('statements:charge')}</dt><dd id="statement-charge">${coins(donor.charge)}</dd><dt>${tr.t('statements:fee')}</dt><dd id="statement-fee">${coins(donor.fee)}</dd><dt>${tr.t('statements:distributed')}</dt><dd>${coins(donor.distributed)}</dd></dl>
<div class="table-wrap" tabindex="0"><table id="statement-flattrs"><caption>${tr.t('statements:flattrsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('statements:when')}</th><th scope="col">${tr.t('statements:thing')}</th><th scope="col">${tr.t('statements:creator')}</th><th scope="col">${tr.t('statements:source')}</th><th scope="col" class="num">${tr.t('statements:worth')}</th></tr></thead>
<tbody>${flattrRows.length === 0 ? html`<tr><td colspan="5">${tr.t('statements:noFlattrs')}</td></tr>` : flattrRows}</tbody></table></div>
<div class="table-wrap" tabindex="0"><table id="statement-creators"><caption>${tr.t('statements:creatorsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('statements:creator')}</th><th scope="col" class="num">${tr.t('statements:amount')}</th><th scope="col">${tr.t('statements:status')}</th><th scope="col">${tr.t('statements:payout')}</th><th scope="col" class="num">${tr.t('statements:confirmations')}</th></tr></thead>
<tbody>${creatorRows}</tbody></table></div>
${refunds}
</section>`;
}

function creatorSection(statement: Statement, { tr, coins, count }: Words): TrustedHtml {
  const { creator } = statement;
  if (creator === null) return html``;
  const thingRows = creator.things.map(
    (thing) => html`<tr><td>${thing.title === null ? tr.t('statements:unknownThing') : html`<a href="/t/${thing.thingId}">${thing.title}</a>`}</td><td class="num">${count(thing.flattrs)}</td><td class="num">${coins(thing.amount)}</td></tr>`,
  );
  const payoutRows = creator.payouts.map(
    (payout) => html`<tr><td class="mono">${outpoint(payout)}</td><td class="num">${coins(payout.amount)}</td><td>${tr.t(PAYOUT_STATE_KEYS[payout.state])}</td><td class="num">${payout.confirmations ?? '?'}</td></tr>`,
  );
  return html`<section id="statement-creator" aria-labelledby="statement-creator-heading">
<h2 id="statement-creator-heading">${tr.t('statements:creatorHeading')}</h2>
<dl class="facts"><dt>${tr.t('statements:supporters')}</dt><dd id="statement-supporters">${count(creator.supporters)}</dd><dt>${tr.t('statements:carriedIn')}</dt><dd>${coins(creator.carriedIn)}</dd><dt>${tr.t('statements:credited')}</dt><dd>${coins(creator.credited)}</dd><dt>${tr.t('statements:returned')}</dt><dd>${coins(creator.returned)}</dd><dt>${tr.t('statements:paid')}</dt><dd>${coins(creator.paid)}</dd><dt>${tr.t('statements:carriedOut')}</dt><dd>${coins(creator.carriedOut)}</dd></dl>
<div class="table-wrap" tabindex="0"><table id="statement-things"><caption>${tr.t('statements:thingsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('statements:thing')}</th><th scope="col" class="num">${tr.t('statements:flattrs')}</th><th scope="col" class="num">${tr.t('statements:amount')}</th></tr></thead>
<tbody>${thingRows}</tbody></table></div>
<div class="table-wrap" tabindex="0"><table id="statement-payouts"><caption>${tr.t('statements:payoutsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('statements:payout')}</th><th scope="col" class="num">${tr.t('statements:amount')}</th><th scope="col">${tr.t('statements:status')}</th><th scope="col" class="num">${tr.t('statements:confirmations')}</th></tr></thead>
<tbody>${payoutRows.length === 0 ? html`<tr><td colspan="4">${tr.t('statements:noPayout')}</td></tr>` : payoutRows}</tbody></table></div>
</section>`;
}

/** One table per code, so a new code without words fails to compile. */
const SOURCE_KEYS = {
  button: 'statements:source-button',
  subscription: 'statements:source-subscription',
} as const satisfies Record<ClickSource, MessageKey>;

const GIFT_KEYS = {
  paid: 'statements:gift-paid',
  'not-yet-broadcast': 'statements:gift-not-yet-broadcast',
  'below-dust': 'statements:gift-below-dust',
  'no-payout-address': 'statements:gift-no-payout-address',
} as const satisfies Record<GiftStatus, MessageKey>;

const PAYOUT_STATE_KEYS = {
  signed: 'statements:payout-signed',
  broadcast: 'statements:payout-broadcast',
  confirmed: 'statements:payout-confirmed',
} as const satisfies Record<Payout['state'], MessageKey>;

function giftStatusText(gift: DonorStatementCreator, tr: Translator): string {
  const text = tr.t(GIFT_KEYS[gift.status]);
  return gift.returnsOn === null ? text : tr.t('statements:giftReturnsOn', { status: text, date: tr.formatDate(gift.returnsOn.date) });
}

function outpoint(payout: Payout): string {
  return `${payout.txid}:${payout.vout}`;
}

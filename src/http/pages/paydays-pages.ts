import { KibbleError } from '../../errors';
import { PERIOD_PATTERN } from '../../money/period';
import { paydays, PAYDAYS_DEFAULT, type Payday } from '../../services/paydays';
import { html, type TrustedHtml } from '../html';
import { layout } from './layout';
import type { PageRoute } from './page';
import { txLink } from './reserves-pages';

/**
 * The public paydays page (/paydays): every settled month's totals, transactions and roots, the
 * same figures as GET /api/v1/paydays (one service). Aggregates only: no donor is named.
 */

const WORDS = {
  title: 'Paydays',
  intro: 'Every settled month: what donors gave, what creators were paid, the transactions on chain, and the roots anyone can check their own part against.',
  feed: 'Atom feed',
  json: 'JSON',
  none: 'No month has been settled yet.',
  month: 'Month',
  donors: 'Donors',
  clicks: 'Flattrs',
  creatorsPaid: 'Creators paid',
  charged: 'Charged',
  paid: 'Paid',
  carried: 'Carried',
  returned: 'Returned',
  serviceFee: 'Service fee',
  networkFee: 'Network fee',
  transactions: 'Transactions',
  allocationRoot: 'Allocation root',
  reservesRoot: 'Reserves root',
  noRoot: 'none',
  older: 'Older months',
  badBefore: "before must be a month 'YYYY-MM'",
} as const;

export const paydaysPages: PageRoute[] = [
  {
    method: 'get',
    path: '/paydays',
    handler: async (ctx) => {
      const before = ctx.req.query.before;
      if (before !== undefined && (typeof before !== 'string' || !PERIOD_PATTERN.test(before))) throw new KibbleError('validation-failed', WORDS.badBefore);
      const page = await paydays({ ...(typeof before === 'string' ? { before } : {}), limit: PAYDAYS_DEFAULT });
      const ticker = ctx.deps.chain.ticker;
      const months = page.paydays.map((payday) => monthSection(payday, ticker, ctx.deps.chain));
      const main = html`<p>${WORDS.intro} <a href="/paydays.atom" type="application/atom+xml">${WORDS.feed}</a> · <a href="/api/v1/paydays">${WORDS.json}</a></p>
${months.length === 0 ? html`<p id="no-paydays">${WORDS.none}</p>` : months}
${page.next === null ? html`` : html`<p><a id="older-paydays" href="/paydays?before=${page.next}">${WORDS.older}</a></p>`}`;
      return { page: layout(ctx, WORDS.title, main) };
    },
  },
];

function monthSection(payday: Payday, ticker: string, chain: Parameters<typeof txLink>[0]): TrustedHtml {
  const coins = (value: string): TrustedHtml => html`<td class="num">${value} ${ticker}</td>`;
  const count = (value: number): TrustedHtml => html`<td class="num">${value}</td>`;
  return html`<section id="${payday.period}" class="payday" aria-labelledby="payday-${payday.period}">
<h2 id="payday-${payday.period}">${payday.period}</h2>
<div class="table-wrap" tabindex="0"><table>
<caption>${WORDS.title} ${payday.period}</caption>
<tbody>
<tr><th scope="row">${WORDS.donors}</th>${count(payday.donors)}</tr>
<tr><th scope="row">${WORDS.clicks}</th>${count(payday.clicks)}</tr>
<tr><th scope="row">${WORDS.creatorsPaid}</th>${count(payday.creatorsPaid)}</tr>
<tr><th scope="row">${WORDS.charged}</th>${coins(payday.charged)}</tr>
<tr><th scope="row">${WORDS.paid}</th>${coins(payday.paid)}</tr>
<tr><th scope="row">${WORDS.carried}</th>${coins(payday.carried)}</tr>
<tr><th scope="row">${WORDS.returned}</th>${coins(payday.returned)}</tr>
<tr><th scope="row">${WORDS.serviceFee}</th>${coins(payday.serviceFee)}</tr>
<tr><th scope="row">${WORDS.networkFee}</th>${coins(payday.networkFee)}</tr>
<tr><th scope="row">${WORDS.transactions}</th><td>${payday.txids.map((txid) => html`${txLink(chain, txid)} `)}</td></tr>
<tr><th scope="row">${WORDS.allocationRoot}</th><td><code>${payday.allocationRoot ?? WORDS.noRoot}</code></td></tr>
<tr><th scope="row">${WORDS.reservesRoot}</th><td><code>${payday.reservesRoot ?? WORDS.noRoot}</code></td></tr>
</tbody>
</table></div>
</section>`;
}

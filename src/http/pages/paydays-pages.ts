import { KibbleError } from '../../errors';
import { DEFAULT_LOCALE } from '../../i18n/locale';
import type { Translator } from '../../i18n/translator';
import { PERIOD_PATTERN } from '../../money/period';
import { paydays, PAYDAYS_DEFAULT, type Payday } from '../../services/paydays';
import { html, type TrustedHtml } from '../html';
import { layout } from './layout';
import { coinsText } from './localized';
import type { PageRoute } from './page';
import { txLink } from './reserves-pages';

/**
 * The public paydays page (/paydays): every settled month's totals, transactions and roots, the
 * same figures as GET /api/v1/paydays (one service). Aggregates only: no donor is named.
 */

export const paydaysPages: PageRoute[] = [
  {
    method: 'get',
    path: '/paydays',
    handler: async (ctx) => {
      const tr = ctx.i18n;
      const before = ctx.req.query.before;
      if (before !== undefined && (typeof before !== 'string' || !PERIOD_PATTERN.test(before))) throw new KibbleError('validation-failed', tr.t('paydays:badBefore'));
      const page = await paydays({ ...(typeof before === 'string' ? { before } : {}), limit: PAYDAYS_DEFAULT });
      const ticker = ctx.deps.chain.ticker;
      const months = page.paydays.map((payday) => monthSection(payday, ticker, ctx.deps.chain, tr));
      const main = html`<p>${tr.t('paydays:intro')} <a href="/paydays.atom${tr.locale === DEFAULT_LOCALE ? '' : `?lang=${tr.locale}`}" type="application/atom+xml" hreflang="${tr.locale}">${tr.t('paydays:feed')}</a> · <a href="/api/v1/paydays">${tr.t('paydays:json')}</a></p>
${months.length === 0 ? html`<p id="no-paydays">${tr.t('paydays:none')}</p>` : months}
${page.next === null ? html`` : html`<p><a id="older-paydays" href="/paydays?before=${page.next}">${tr.t('paydays:older')}</a></p>`}`;
      return { page: layout(ctx, tr.t('paydays:title'), main) };
    },
  },
];

function monthSection(payday: Payday, ticker: string, chain: Parameters<typeof txLink>[0], tr: Translator): TrustedHtml {
  const coins = (value: string): TrustedHtml => html`<td class="num">${coinsText(tr, value, ticker)}</td>`;
  const count = (value: number): TrustedHtml => html`<td class="num">${tr.formatNumber(value)}</td>`;
  const month = tr.formatPeriod(payday.period);
  return html`<section id="${payday.period}" class="payday" aria-labelledby="payday-${payday.period}">
<h2 id="payday-${payday.period}">${month}</h2>
<div class="table-wrap" tabindex="0"><table>
<caption>${tr.t('paydays:caption', { month })}</caption>
<tbody>
<tr><th scope="row">${tr.t('paydays:donors')}</th>${count(payday.donors)}</tr>
<tr><th scope="row">${tr.t('paydays:clicks')}</th>${count(payday.clicks)}</tr>
<tr><th scope="row">${tr.t('paydays:creatorsPaid')}</th>${count(payday.creatorsPaid)}</tr>
<tr><th scope="row">${tr.t('paydays:charged')}</th>${coins(payday.charged)}</tr>
<tr><th scope="row">${tr.t('paydays:paid')}</th>${coins(payday.paid)}</tr>
<tr><th scope="row">${tr.t('paydays:carried')}</th>${coins(payday.carried)}</tr>
<tr><th scope="row">${tr.t('paydays:returned')}</th>${coins(payday.returned)}</tr>
<tr><th scope="row">${tr.t('paydays:serviceFee')}</th>${coins(payday.serviceFee)}</tr>
<tr><th scope="row">${tr.t('paydays:networkFee')}</th>${coins(payday.networkFee)}</tr>
<tr><th scope="row">${tr.t('paydays:transactions')}</th><td>${payday.txids.map((txid) => html`${txLink(chain, txid)} `)}</td></tr>
<tr><th scope="row">${tr.t('paydays:allocationRoot')}</th><td><code>${payday.allocationRoot ?? tr.t('paydays:noRoot')}</code></td></tr>
<tr><th scope="row">${tr.t('paydays:reservesRoot')}</th><td><code>${payday.reservesRoot ?? tr.t('paydays:noRoot')}</code></td></tr>
</tbody>
</table></div>
</section>`;
}

import { ERROR_CATALOGUE, isKibbleError, type KibbleError } from '../../errors';
import { localizedErrorMessage } from '../../i18n/error-messages';
import { nextPeriod, PERIOD_PATTERN, previousPeriod } from '../../money/period';
import { statementPeriods } from '../../services/statements/statements';
import { currentPayoutAddress, setPayoutAddress } from '../../services/accounts/accounts';
import { creatorStats, type CreatorStats } from '../../services/stats';
import { listThingsOf, registerThing, THING_TITLE_MAX_CHARS, type ThingView } from '../../services/things/things';
import { html, type TrustedHtml } from '../html';
import { renderChart, type ChartRow } from './chart';
import { csrfInput, field, layout, notice } from './layout';
import { richText } from './rich-text';
import { proofLink, provableMonths } from './proof-pages';
import { myReservesProofSection } from './reserves-pages';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/** How many months the chart shows (the table below it lists every month). */
export const CHART_MONTHS = 12;

const SAVED_NOTICES = { thing: 'creator:saved.thing', payout: 'creator:saved.payout' } as const;

interface CreatorPageState {
  thingForm?: { url: string; title: string; urlError?: string; titleError?: string; error?: string };
  payoutForm?: { address: string; error: string };
}

/**
 * The creator's page: their things with button preview and embed code, adding a thing, the payout
 * address, and their numbers (this month, all time, per month as a chart and a table).
 */
export const creatorPages: PageRoute[] = [
  {
    method: 'get',
    path: '/creator',
    handler: async (ctx) => (ctx.accountId === undefined ? signInFirst('/creator') : creatorPage(ctx, ctx.accountId, {})),
  },
  {
    method: 'post',
    path: '/creator/things',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/creator');
      const { url = '', title = '' } = ctx.form;
      try {
        await registerThing(ctx.accountId, { url, title }, ctx.now);
        return { redirect: '/creator?saved=thing' };
      } catch (error) {
        if (!isKibbleError(error) || (error.code !== 'validation-failed' && error.code !== 'thing-exists')) throw error;
        const where = thingErrorField(error);
        const message = thingErrorText(ctx, error, where);
        const thingForm = {
          url,
          title,
          ...(where === 'url' ? { urlError: message } : where === 'title' ? { titleError: message } : { error: message }),
        };
        return creatorPage(ctx, ctx.accountId, { thingForm }, ERROR_CATALOGUE[error.code].httpStatus);
      }
    },
  },
  {
    method: 'post',
    path: '/creator/payout-address',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/creator');
      const address = (ctx.form.address ?? '').trim();
      try {
        await setPayoutAddress(ctx.accountId, address, { chain: ctx.deps.chain, feeAddress: ctx.deps.config.feeAddress });
        return { redirect: '/creator?saved=payout' };
      } catch (error) {
        if (!isKibbleError(error, 'address-invalid')) throw error;
        return creatorPage(ctx, ctx.accountId, { payoutForm: { address, error: localizedErrorMessage(ctx.i18n, error) } }, 400);
      }
    },
  },
];

/**
 * An add-thing error in the reader's language: English keeps the service's specific message; other
 * languages say the field's rule (a taken URL by its error code).
 */
function thingErrorText(ctx: PageContext, error: KibbleError, where: 'url' | 'title' | undefined): string {
  if (ctx.i18n.locale === 'en' || error.code !== 'validation-failed' || where === undefined) return localizedErrorMessage(ctx.i18n, error);
  return where === 'url' ? ctx.i18n.t('creator:invalid.url') : ctx.i18n.t('creator:invalid.title', { max: THING_TITLE_MAX_CHARS });
}

/** Which field of the add-thing form an error belongs to: details.field, else the message. */
function thingErrorField(error: KibbleError): 'url' | 'title' | undefined {
  if (error.code === 'thing-exists') return 'url';
  const named = error.details?.field;
  if (named === 'url' || named === 'title') return named;
  if (/^(a )?title\b/i.test(error.message) || /\btitle\b/i.test(error.message)) return 'title';
  if (/^(a )?(thing )?url\b/i.test(error.message) || /\burl\b/i.test(error.message)) return 'url';
  return undefined;
}

async function creatorPage(ctx: PageContext, accountId: string, state: CreatorPageState, status = 200): Promise<PageResult> {
  const [things, stats, payoutAddress, statements, provable] = await Promise.all([listThingsOf(accountId), creatorStats(accountId, ctx.now), currentPayoutAddress(accountId), statementPeriods(), provableMonths()]);
  const { t } = ctx.i18n;
  const savedKey = ctx.req.query.saved;
  const saved = status === 200 && (savedKey === 'thing' || savedKey === 'payout') ? t(SAVED_NOTICES[savedKey]) : undefined;
  const formError = state.thingForm?.error;
  return {
    status,
    page: layout(
      ctx,
      t('creator:title'),
      html`${notice(saved)}${status !== 200 ? notice(t('creator:notSaved'), 'error') : html``}
${thingsSection(ctx, things)}
<section aria-labelledby="add-thing-heading">
<h2 id="add-thing-heading">${t('creator:addThing.heading')}</h2>
<p>${t('creator:addThing.intro')}</p>
${notice(formError, 'error')}<form id="thing-form" method="post" action="/creator/things" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'url', label: t('creator:addThing.url'), type: 'url', value: state.thingForm?.url ?? '', autocomplete: 'url', required: true, ...(state.thingForm?.urlError ? { error: state.thingForm.urlError } : {}) })}
${field({ name: 'title', label: t('creator:addThing.title'), value: state.thingForm?.title ?? '', required: true, ...(state.thingForm?.titleError ? { error: state.thingForm.titleError } : {}) })}
<p><button type="submit">${t('creator:addThing.submit')}</button></p></form>
</section>
<section id="payout" aria-labelledby="payout-heading">
<h2 id="payout-heading">${t('creator:payout.heading')}</h2>
<p>${payoutAddress ? richText(ctx.i18n, 'creator:payout.current', {}, { address: html`<span class="mono" id="current-payout-address">${payoutAddress}</span>` }) : html`${t('creator:payout.none')}`}</p>
<form id="payout-form" method="post" action="/creator/payout-address" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'address', label: t('creator:payout.label', { chain: ctx.deps.chain.name }), value: state.payoutForm?.address ?? payoutAddress ?? '', autocomplete: 'off', required: true, ...(state.payoutForm ? { error: state.payoutForm.error } : {}) })}
<p><button type="submit">${t('creator:payout.submit')}</button></p></form>
</section>
${statsSection(ctx, stats, statements, provable)}
${myReservesProofSection('creator', ctx.i18n)}`,
    ),
  };
}

function thingsSection(ctx: PageContext, things: readonly ThingView[]): TrustedHtml {
  const publicUrl = ctx.deps.config.publicUrl;
  const { t } = ctx.i18n;
  const items = things.map((thing) => {
    const embedId = `embed-${thing.id}`;
    const page = `${publicUrl}/t/${thing.id}`;
    // The snippet is HTML the creator pastes into their page: escaped once as markup here, and
    // escaped again by the template below as the text of the textarea.
    const snippet = html`<a href="${page}"><img src="${page}/button.svg" alt="${t('creator:things.embedAlt', { title: thing.title })}"></a>`.markup;
    return html`<li class="thing card">
<h3><a href="/t/${thing.id}">${thing.title}</a></h3>
<p class="mono"><a href="${thing.url}" rel="nofollow noopener noreferrer">${thing.url}</a></p>
<p><img src="/t/${thing.id}/button.svg" alt="${t('creator:things.buttonAlt', { title: thing.title })}"></p>
<p class="field"><label for="${embedId}">${t('creator:things.embedLabel', { title: thing.title })}</label>
<textarea id="${embedId}" readonly rows="3">${snippet}</textarea></p>
<p><button type="button" data-copy="${embedId}" data-copied="${t('creator:things.copied')}">${t('creator:things.copy')}</button></p>
</li>`;
  });
  return html`<section id="things" aria-labelledby="things-heading">
<h2 id="things-heading">${t('creator:things.heading')}</h2>
${things.length === 0 ? html`<p>${t('creator:things.none')}</p>` : html`<ul class="cards" role="list">${items}</ul>`}
</section>`;
}

function statsSection(ctx: PageContext, stats: CreatorStats, statements: ReadonlySet<string>, provable: ReadonlySet<string> = new Set()): TrustedHtml {
  const ticker = ctx.deps.chain.ticker;
  const { t, formatAmount, formatNumber } = ctx.i18n;
  const rows = stats.perPeriod.map(
    (row) => html`<tr><th scope="row">${row.period}</th><td class="num">${formatNumber(row.flattrs)}</td><td class="num">${formatAmount(row.earned)}</td><td>${statements.has(row.period) ? html`<a class="statement-link" href="/me/statements/${row.period}">${t('creator:stats.statement')}</a>` : html``}</td><td>${proofLink(row.period, provable, ctx.i18n)}</td></tr>`,
  );
  return html`<section id="stats" aria-labelledby="stats-heading">
<h2 id="stats-heading">${t('creator:stats.heading')}</h2>
<dl class="cards">
<div class="card"><dt>${t('creator:stats.thisMonth', { period: stats.period })}</dt><dd><span id="flattrs-this-month">${formatNumber(stats.flattrsThisPeriod)}</span></dd></div>
<div class="card"><dt>${t('creator:stats.allTime')}</dt><dd><span id="flattrs-all-time">${formatNumber(stats.flattrsAllTime)}</span></dd></div>
<div class="card"><dt>${t('creator:stats.supporters')}</dt><dd><span id="supporters">${formatNumber(stats.distinctSupporters)}</span></dd></div>
<div class="card"><dt>${t('creator:stats.earned')}</dt><dd><span id="earned">${formatAmount(stats.earned)}</span> ${ticker}</dd></div>
<div class="card"><dt>${t('creator:stats.owed')}</dt><dd><span id="owed">${formatAmount(stats.owed)}</span> ${ticker}</dd></div>
</dl>
<h3>${t('creator:stats.perMonth')}</h3>
<div class="chart-wrap" role="region" aria-label="${t('creator:stats.chartRegion')}" tabindex="0">${renderChart(chartRows(stats), { tr: ctx.i18n, ticker, title: t('creator:stats.chartTitle', { months: CHART_MONTHS }) })}</div>
<div class="table-wrap" tabindex="0"><table id="per-month">
<caption>${t('creator:stats.caption')}</caption>
<thead><tr><th scope="col">${t('creator:stats.month')}</th><th scope="col" class="num">${t('creator:stats.flattrs')}</th><th scope="col" class="num">${t('creator:stats.earnedIn', { ticker })}</th><th scope="col">${t('creator:stats.statement')}</th><th scope="col">${t('creator:stats.proof')}</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">${t('creator:stats.none')}</td></tr>` : rows}</tbody>
</table></div>
</section>`;
}

/**
 * The chart's months: consecutive (a month without flattrs shows as an empty slot), from the first
 * month with data to this month (or a later month with data), at most the last CHART_MONTHS.
 */
export function chartRows(stats: Pick<CreatorStats, 'period' | 'perPeriod'>): ChartRow[] {
  const known = stats.perPeriod.filter((row) => PERIOD_PATTERN.test(row.period));
  const first = known[0]?.period;
  if (first === undefined) return [];
  const last = known.reduce((latest, row) => (row.period > latest ? row.period : latest), stats.period);
  let start = last;
  for (let i = 1; i < CHART_MONTHS && start > first; i++) start = previousPeriod(start);
  const byPeriod = new Map(known.map((row) => [row.period, row]));
  const rows: ChartRow[] = [];
  for (let period = start; period <= last; period = nextPeriod(period)) {
    const row = byPeriod.get(period);
    rows.push({ period, flattrs: row?.flattrs ?? 0, earned: row?.earned ?? 0n });
  }
  return rows;
}

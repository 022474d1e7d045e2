import { ERROR_CATALOGUE, isKibbleError, type KibbleError } from '../../errors';
import { formatCoins } from '../../money/amount';
import { nextPeriod, PERIOD_PATTERN, previousPeriod } from '../../money/period';
import { statementPeriods } from '../../services/statements/statements';
import { currentPayoutAddress, setPayoutAddress } from '../../services/accounts/accounts';
import { creatorStats, type CreatorStats } from '../../services/stats';
import { listThingsOf, registerThing, type ThingView } from '../../services/things/things';
import { html, type TrustedHtml } from '../html';
import { renderChart, type ChartRow } from './chart';
import { csrfInput, field, layout, notice } from './layout';
import { proofLink, provableMonths } from './proof-pages';
import { myReservesProofSection } from './reserves-pages';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/** How many months the chart shows (the table below it lists every month). */
export const CHART_MONTHS = 12;

const SAVED_NOTICES: Readonly<Record<string, string>> = {
  thing: 'Your thing is added. Copy its embed code into your page to show its kibble button.',
  payout: 'Your payout address is saved. The next settlement pays what you earned to it.',
};

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
        const thingForm = {
          url,
          title,
          ...(where === 'url' ? { urlError: error.message } : where === 'title' ? { titleError: error.message } : { error: error.message }),
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
        return creatorPage(ctx, ctx.accountId, { payoutForm: { address, error: error.message } }, 400);
      }
    },
  },
];

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
  const saved = status === 200 && typeof ctx.req.query.saved === 'string' ? SAVED_NOTICES[ctx.req.query.saved] : undefined;
  const formError = state.thingForm?.error;
  return {
    status,
    page: layout(
      ctx,
      'Creator',
      html`${notice(saved)}${status !== 200 ? notice('This form was not saved: see the message next to the field.', 'error') : html``}
${thingsSection(ctx, things)}
<section aria-labelledby="add-thing-heading">
<h2 id="add-thing-heading">Add a thing</h2>
<p>A thing is a page of yours people can flattr: a post, a video, a repository. One thing per URL.</p>
${notice(formError, 'error')}<form id="thing-form" method="post" action="/creator/things" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'url', label: 'URL (http or https)', type: 'url', value: state.thingForm?.url ?? '', autocomplete: 'url', required: true, ...(state.thingForm?.urlError ? { error: state.thingForm.urlError } : {}) })}
${field({ name: 'title', label: 'Title (up to 200 characters)', value: state.thingForm?.title ?? '', required: true, ...(state.thingForm?.titleError ? { error: state.thingForm.titleError } : {}) })}
<p><button type="submit">Add the thing</button></p></form>
</section>
<section id="payout" aria-labelledby="payout-heading">
<h2 id="payout-heading">Payout address</h2>
<p>${payoutAddress ? html`Your earnings are paid to <span class="mono" id="current-payout-address">${payoutAddress}</span>.` : html`You have no payout address yet: what you earn stays owed to you until you give one.`}</p>
<form id="payout-form" method="post" action="/creator/payout-address" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'address', label: `Your ${ctx.deps.chain.name} address`, value: state.payoutForm?.address ?? payoutAddress ?? '', autocomplete: 'off', required: true, ...(state.payoutForm ? { error: state.payoutForm.error } : {}) })}
<p><button type="submit">Save the payout address</button></p></form>
</section>
${statsSection(ctx, stats, statements, provable)}
${myReservesProofSection('creator')}`,
    ),
  };
}

function thingsSection(ctx: PageContext, things: readonly ThingView[]): TrustedHtml {
  const publicUrl = ctx.deps.config.publicUrl;
  const items = things.map((thing) => {
    const embedId = `embed-${thing.id}`;
    const page = `${publicUrl}/t/${thing.id}`;
    // The snippet is HTML the creator pastes into their page: escaped once as markup here, and
    // escaped again by the template below as the text of the textarea.
    const snippet = html`<a href="${page}"><img src="${page}/button.svg" alt="Flattr ${thing.title} with kibble"></a>`.markup;
    return html`<li class="thing card">
<h3><a href="/t/${thing.id}">${thing.title}</a></h3>
<p class="mono"><a href="${thing.url}" rel="nofollow noopener noreferrer">${thing.url}</a></p>
<p><img src="/t/${thing.id}/button.svg" alt="kibble button for ${thing.title}"></p>
<p class="field"><label for="${embedId}">Embed code for ${thing.title}</label>
<textarea id="${embedId}" readonly rows="3">${snippet}</textarea></p>
<p><button type="button" data-copy="${embedId}">Copy</button></p>
</li>`;
  });
  return html`<section id="things" aria-labelledby="things-heading">
<h2 id="things-heading">Your things</h2>
${things.length === 0 ? html`<p>You have no things yet: add one below.</p>` : html`<ul class="cards" role="list">${items}</ul>`}
</section>`;
}

function statsSection(ctx: PageContext, stats: CreatorStats, statements: ReadonlySet<string>, provable: ReadonlySet<string> = new Set()): TrustedHtml {
  const ticker = ctx.deps.chain.ticker;
  const rows = stats.perPeriod.map(
    (row) => html`<tr><th scope="row">${row.period}</th><td class="num">${row.flattrs}</td><td class="num">${formatCoins(row.earned)}</td><td>${statements.has(row.period) ? html`<a class="statement-link" href="/me/statements/${row.period}">Statement</a>` : html``}</td><td>${proofLink(row.period, provable)}</td></tr>`,
  );
  return html`<section id="stats" aria-labelledby="stats-heading">
<h2 id="stats-heading">Your numbers</h2>
<dl class="cards">
<div class="card"><dt>Flattrs this month (${stats.period})</dt><dd><span id="flattrs-this-month">${stats.flattrsThisPeriod}</span></dd></div>
<div class="card"><dt>Flattrs all time</dt><dd><span id="flattrs-all-time">${stats.flattrsAllTime}</span></dd></div>
<div class="card"><dt>Supporters (distinct donors)</dt><dd><span id="supporters">${stats.distinctSupporters}</span></dd></div>
<div class="card"><dt>Earned (paid out)</dt><dd><span id="earned">${formatCoins(stats.earned)}</span> ${ticker}</dd></div>
<div class="card"><dt>Owed (settled, not paid yet)</dt><dd><span id="owed">${formatCoins(stats.owed)}</span> ${ticker}</dd></div>
</dl>
<h3>Per month</h3>
<div class="chart-wrap" role="region" aria-label="Chart of flattrs and earnings per month" tabindex="0">${renderChart(chartRows(stats), { ticker, title: `Flattrs and earnings per month (last ${CHART_MONTHS} months at most)` })}</div>
<div class="table-wrap" tabindex="0"><table id="per-month">
<caption>Flattrs and earnings per month</caption>
<thead><tr><th scope="col">Month</th><th scope="col" class="num">Flattrs</th><th scope="col" class="num">Earned (${ticker})</th><th scope="col">Statement</th><th scope="col">Proof</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="4">No flattrs yet.</td></tr>` : rows}</tbody>
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

import type { MessageKey, Translator } from '../../i18n/translator';
import type { SettlementStatusView } from '../../services/settlement/views';
import { settlementStateName } from '../../services/settlement/words';
import { html, type TrustedHtml } from '../html';
import { csrfInput, field, layout, notice } from './layout';
import { coinsText } from './localized';
import { richText } from './rich-text';
import type { PageContext } from './page';

/**
 * The markup of the operator pages (operator-pages.ts has the routes; operator-settlement-view.ts
 * the month's page). Everything here renders the JSON-ready views of services/settlement/views.ts,
 * so the pages, the admin API and the CLI show the same figures, in the words of the page's locale.
 */

export type OperatorAction = 'execute' | 'execute-close-now' | 'rebroadcast';
export const OPERATOR_ACTIONS: readonly OperatorAction[] = ['execute', 'execute-close-now', 'rebroadcast'];

const ACTION_KEYS = {
  execute: 'operator:action-execute',
  'execute-close-now': 'operator:action-execute-close-now',
  rebroadcast: 'operator:action-rebroadcast',
} as const satisfies Record<OperatorAction, MessageKey>;

/** "Execute", "Exécuter". */
export function actionLabel(tr: Translator, action: OperatorAction): string {
  return tr.t(ACTION_KEYS[action]);
}

export function isOperatorAction(value: unknown): value is OperatorAction {
  return typeof value === 'string' && (OPERATOR_ACTIONS as readonly string[]).includes(value);
}

export type LayoutContext = Parameters<typeof layout>[0] & Pick<PageContext, 'i18n'>;

/** The shared layout plus the operator's own navigation (dashboard, sign out of operator). */
export function operatorLayout(ctx: LayoutContext, title: string, main: TrustedHtml): TrustedHtml {
  const tr = ctx.i18n;
  return layout(
    ctx,
    title,
    html`<nav class="operator-nav" aria-label="${tr.t('operator:navLabel')}"><a href="/operator">${tr.t('operator:dashboardLink')}</a> <form class="inline" method="post" action="/operator/signout">${csrfInput(ctx.csrfToken)}<button type="submit" class="secondary">${tr.t('operator:signOut')}</button></form></nav>
${main}`,
  );
}

export function signInView(ctx: LayoutContext, error: string | undefined): TrustedHtml {
  const tr = ctx.i18n;
  return layout(
    ctx,
    tr.t('operator:signInTitle'),
    html`<form id="operator-signin" method="post" action="/operator/signin" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'token', label: tr.t('operator:tokenLabel'), type: 'password', autocomplete: 'current-password', required: true, ...(error === undefined ? {} : { error }) })}
<p><button type="submit">${tr.t('operator:signIn')}</button></p></form>
<p>${richText(tr, 'operator:tokenHelp', {}, { name: html`<code>OPERATOR_TOKEN</code>` })}</p>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Tables

export interface Column {
  label: string;
  num?: boolean;
}

export type Cell = string | number | TrustedHtml;

/** A captioned table that scrolls sideways on a narrow screen instead of overflowing the page. */
export function table(tr: Translator, id: string, caption: string, columns: readonly Column[], rows: readonly (readonly Cell[])[]): TrustedHtml {
  const head = columns.map((column) => html`<th scope="col"${column.num ? html` class="num"` : html``}>${column.label}</th>`);
  const body = rows.map(
    (row) => html`<tr>${row.map((cell, index) => (index === 0 ? html`<th scope="row">${cell}</th>` : html`<td${columns[index]?.num ? html` class="num"` : html``}>${cell}</td>`))}</tr>`,
  );
  const empty = rows.length === 0 ? html`<tr><td colspan="${columns.length}">${tr.t('operator:none')}</td></tr>` : html``;
  return html`<div class="table-wrap" tabindex="0"><table id="${id}"><caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}${empty}</tbody></table></div>`;
}

export function definitions(id: string, items: ReadonlyArray<readonly [string, Cell]>): TrustedHtml {
  return html`<dl id="${id}" class="facts">${items.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

export const mono = (text: string): TrustedHtml => html`<code>${text}</code>`;

export const periodLink = (period: string): TrustedHtml => html`<a href="/operator/settlements/${period}">${period}</a>`;

/** Counts as the locale writes them; koinu amounts and the view's decimal strings go through coinsText. */
export function countText(tr: Translator, value: number | string): string {
  return typeof value === 'number' ? tr.formatNumber(value) : value;
}

// ---------------------------------------------------------------------------------------------
// Dashboard

export interface DashboardData {
  ticker: string;
  walletUnspent: bigint;
  uncreditedDeposits: bigint;
  scannerHeight: number | undefined;
  nodeTip: number | undefined;
  currentPeriod: string;
  /** Newest first: stored settlements and the due months not started yet. */
  periods: ReadonlyArray<{ status: SettlementStatusView; due: boolean; started: boolean }>;
  periodInput: string;
  periodError: string | undefined;
}

export function dashboardView(ctx: LayoutContext, data: DashboardData): TrustedHtml {
  const tr = ctx.i18n;
  const coins = (decimal: string): string => coinsText(tr, decimal, data.ticker);
  const lag = data.scannerHeight !== undefined && data.nodeTip !== undefined ? tr.t('operator:blocks', { count: Math.max(0, data.nodeTip - data.scannerHeight) }) : tr.t('operator:unknown');
  const rows = data.periods.map(({ status, due, started }) => {
    const summary = status.summary;
    const figure = (key: string): Cell => (summary?.[key] === undefined ? '–' : countText(tr, summary[key]));
    const coinFigure = (key: string): Cell => (summary?.[key] === undefined ? '–' : coins(String(summary[key])));
    const state = !started ? tr.t('operator:notStarted') : status.awaitingSignaturesSince === null ? settlementStateName(tr, status.state) : tr.t('operator:waitingForSignatures');
    return [
      periodLink(status.period),
      due ? tr.t('operator:due', { state }) : state,
      figure('donorsCharged'),
      figure('clicks'),
      coinFigure('charged'),
      coinFigure('paidToCreators'),
      figure('transactionCount'),
      status.lastError === null ? '' : html`<span class="error">${status.lastError}</span>`,
    ];
  });
  return operatorLayout(
    ctx,
    tr.t('operator:dashboardTitle'),
    html`<section aria-labelledby="wallet-heading"><h2 id="wallet-heading">${tr.t('operator:walletHeading')}</h2>
${definitions('wallet-facts', [
  [tr.t('operator:walletBalance'), html`<span id="wallet-balance">${tr.formatAmount(data.walletUnspent, { ticker: data.ticker })}</span>`],
  [tr.t('operator:uncreditedDeposits'), html`<span id="uncredited-deposits">${tr.formatAmount(data.uncreditedDeposits, { ticker: data.ticker })}</span>`],
  [tr.t('operator:scannerHeight'), html`<span id="scanner-height">${data.scannerHeight === undefined ? tr.t('operator:notStarted') : String(data.scannerHeight)}</span>`],
  [tr.t('operator:nodeTip'), html`<span id="node-tip">${data.nodeTip === undefined ? tr.t('operator:unknown') : String(data.nodeTip)}</span>`],
  [tr.t('operator:scannerLag'), html`<span id="scanner-lag">${lag}</span>`],
])}</section>
<section aria-labelledby="periods-heading"><h2 id="periods-heading">${tr.t('operator:settlementsHeading')}</h2>
<form id="open-period" method="get" action="/operator/settlements" class="stack">
${field({ name: 'period', label: tr.t('operator:openMonthLabel'), type: 'month', value: data.periodInput, required: true, ...(data.periodError === undefined ? {} : { error: data.periodError }) })}
<p><button type="submit">${tr.t('operator:open')}</button> <a id="current-period" href="/operator/settlements/${data.currentPeriod}">${tr.t('operator:thisMonth', { month: data.currentPeriod })}</a></p></form>
${table(
  tr,
  'periods',
  tr.t('operator:periodsCaption'),
  [
    { label: tr.t('operator:colMonth') },
    { label: tr.t('operator:colState') },
    { label: tr.t('operator:colDonorsCharged'), num: true },
    { label: tr.t('operator:colClicks'), num: true },
    { label: tr.t('operator:colCharged'), num: true },
    { label: tr.t('operator:colPaidToCreators'), num: true },
    { label: tr.t('operator:colTransactions'), num: true },
    { label: tr.t('operator:colLastError') },
  ],
  rows,
)}</section>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Confirmation

export function confirmView(ctx: LayoutContext, period: string, action: OperatorAction, question: string): TrustedHtml {
  const tr = ctx.i18n;
  const label = actionLabel(tr, action);
  return operatorLayout(
    ctx,
    tr.t('operator:confirmTitle', { action: label, month: period }),
    html`<p id="confirm-question">${question}</p>
<form id="confirm-form" method="post" action="/operator/settlements/${period}/${action}" data-confirm="${question}">${csrfInput(ctx.csrfToken)}<input type="hidden" name="confirm" value="yes">
<p><button type="submit">${tr.t('operator:confirmYes', { action: label.toLocaleLowerCase(tr.locale) })}</button> <a id="confirm-cancel" href="/operator/settlements/${period}">${tr.t('operator:cancel')}</a></p></form>`,
  );
}

/** A page that only explains (an action not available now, a form not confirmed) with a way back. */
export function explainView(ctx: LayoutContext, title: string, message: string, back: string): TrustedHtml {
  return operatorLayout(ctx, title, html`${notice(message, 'error')}<p><a href="${back}">${ctx.i18n.t('operator:back')}</a></p>`);
}

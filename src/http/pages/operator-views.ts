import { nextPeriod } from '../../money/period';
import type { PlanReportView, SettlementStatusView } from '../../services/settlement/views';
import { CREATOR_OUTCOME_WORDS, SETTLEMENT_STATE_WORDS, TRANSACTION_STATE_WORDS, wordsFor } from '../../services/settlement/words';
import { html, type TrustedHtml } from '../html';
import { csrfInput, field, layout, notice } from './layout';
import type { PageContext } from './page';

/**
 * The markup of the operator pages (operator-pages.ts has the routes). Everything here renders
 * the JSON-ready views of services/settlement/views.ts, so the pages, the admin API and the CLI
 * show the same figures.
 */

export type OperatorAction = 'execute' | 'execute-close-now' | 'rebroadcast';
export const OPERATOR_ACTIONS: readonly OperatorAction[] = ['execute', 'execute-close-now', 'rebroadcast'];

export const ACTION_LABELS: Readonly<Record<OperatorAction, string>> = {
  execute: 'Execute',
  'execute-close-now': 'Close now and execute',
  rebroadcast: 'Rebroadcast',
};

export function isOperatorAction(value: unknown): value is OperatorAction {
  return typeof value === 'string' && (OPERATOR_ACTIONS as readonly string[]).includes(value);
}

type LayoutContext = Pick<PageContext, 'accountId' | 'operator' | 'csrfToken'>;

/** The shared layout plus the operator's own navigation (dashboard, sign out of operator). */
export function operatorLayout(ctx: LayoutContext, title: string, main: TrustedHtml): TrustedHtml {
  return layout(
    ctx,
    title,
    html`<nav class="operator-nav" aria-label="operator"><a href="/operator">Operator dashboard</a> <form class="inline" method="post" action="/operator/signout">${csrfInput(ctx.csrfToken)}<button type="submit" class="secondary">Sign out of operator</button></form></nav>
${main}`,
  );
}

export function signInView(ctx: LayoutContext, error: string | undefined): TrustedHtml {
  return layout(
    ctx,
    'Operator sign in',
    html`<form id="operator-signin" method="post" action="/operator/signin" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'token', label: 'Operator token', type: 'password', autocomplete: 'current-password', required: true, ...(error === undefined ? {} : { error }) })}
<p><button type="submit">Sign in</button></p></form>
<p>The operator token is the server's <code>OPERATOR_TOKEN</code>. The browser keeps a proof of it (never the token) for 12 hours.</p>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Tables

interface Column {
  label: string;
  num?: boolean;
}

type Cell = string | number | TrustedHtml;

/** A captioned table that scrolls sideways on a narrow screen instead of overflowing the page. */
export function table(id: string, caption: string, columns: readonly Column[], rows: readonly (readonly Cell[])[]): TrustedHtml {
  const head = columns.map((column) => html`<th scope="col"${column.num ? html` class="num"` : html``}>${column.label}</th>`);
  const body = rows.map(
    (row) => html`<tr>${row.map((cell, index) => (index === 0 ? html`<th scope="row">${cell}</th>` : html`<td${columns[index]?.num ? html` class="num"` : html``}>${cell}</td>`))}</tr>`,
  );
  const empty = rows.length === 0 ? html`<tr><td colspan="${columns.length}">None.</td></tr>` : html``;
  return html`<div class="table-wrap" tabindex="0"><table id="${id}"><caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}${empty}</tbody></table></div>`;
}

function definitions(id: string, items: ReadonlyArray<readonly [string, Cell]>): TrustedHtml {
  return html`<dl id="${id}" class="facts">${items.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

const mono = (text: string): TrustedHtml => html`<code>${text}</code>`;

/** An account by its handle, its id on hover (title); the id itself when the handle is unknown. */
function person(handles: ReadonlyMap<string, string>, id: string): TrustedHtml {
  const handle = handles.get(id);
  return handle === undefined ? mono(id) : html`<span class="handle" title="account ${id}">${handle}</span>`;
}
const periodLink = (period: string): TrustedHtml => html`<a href="/operator/settlements/${period}">${period}</a>`;
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

// ---------------------------------------------------------------------------------------------
// Dashboard

export interface DashboardData {
  ticker: string;
  walletUnspent: string;
  uncreditedDeposits: string;
  scannerHeight: number | undefined;
  nodeTip: number | undefined;
  currentPeriod: string;
  /** Newest first: stored settlements and the due months not started yet. */
  periods: ReadonlyArray<{ status: SettlementStatusView; due: boolean; started: boolean }>;
  periodInput: string;
  periodError: string | undefined;
}

export function dashboardView(ctx: LayoutContext, data: DashboardData): TrustedHtml {
  const coins = (amount: string): string => `${amount} ${data.ticker}`;
  const lag = data.scannerHeight !== undefined && data.nodeTip !== undefined ? plural(Math.max(0, data.nodeTip - data.scannerHeight), 'block') : 'unknown';
  const rows = data.periods.map(({ status, due, started }) => {
    const summary = status.summary;
    const figure = (key: string): Cell => (summary?.[key] === undefined ? '–' : String(summary[key]));
    const coinFigure = (key: string): Cell => (summary?.[key] === undefined ? '–' : coins(String(summary[key])));
    const state = !started ? 'not started' : status.awaitingSignaturesSince === null ? status.state : 'waiting for signatures';
    return [
      periodLink(status.period),
      due ? `${state} (due)` : state,
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
    'Operator dashboard',
    html`<section aria-labelledby="wallet-heading"><h2 id="wallet-heading">Wallet and scanner</h2>
${definitions('wallet-facts', [
  ['Wallet balance (unspent, as the scanner saw it)', html`<span id="wallet-balance">${coins(data.walletUnspent)}</span>`],
  ['Of which deposits not credited yet', html`<span id="uncredited-deposits">${coins(data.uncreditedDeposits)}</span>`],
  ['Scanner height', html`<span id="scanner-height">${data.scannerHeight === undefined ? 'not started' : String(data.scannerHeight)}</span>`],
  ['Node tip', html`<span id="node-tip">${data.nodeTip === undefined ? 'unknown' : String(data.nodeTip)}</span>`],
  ['Scanner lag', html`<span id="scanner-lag">${lag}</span>`],
])}</section>
<section aria-labelledby="periods-heading"><h2 id="periods-heading">Settlements</h2>
<form id="open-period" method="get" action="/operator/settlements" class="stack">
${field({ name: 'period', label: 'Open a month (YYYY-MM)', type: 'month', value: data.periodInput, required: true, ...(data.periodError === undefined ? {} : { error: data.periodError }) })}
<p><button type="submit">Open</button> <a id="current-period" href="/operator/settlements/${data.currentPeriod}">This month (${data.currentPeriod})</a></p></form>
${table(
  'periods',
  'Every settlement and every past month waiting to be settled, newest first',
  [{ label: 'Month' }, { label: 'State' }, { label: 'Donors charged', num: true }, { label: 'Clicks', num: true }, { label: 'Charged', num: true }, { label: 'Paid to creators', num: true }, { label: 'Transactions', num: true }, { label: 'Last error' }],
  rows,
)}</section>`,
  );
}

// ---------------------------------------------------------------------------------------------
// One settlement

export interface SettlementPageData {
  ticker: string;
  status: SettlementStatusView;
  /** The dry run or the stored plan; a string: why it could not be computed. */
  plan: PlanReportView | string;
  actions: ReadonlyArray<{ action: OperatorAction; available: boolean; reason?: string }>;
  /** Handles of the plan's donors and creators, by account id. */
  handles: ReadonlyMap<string, string>;
  done: string | undefined;
  error: string | undefined;
}

const TOTAL_LABELS: Readonly<Record<string, string>> = {
  donorsCharged: 'Donors charged',
  clicks: 'Clicks',
  creatorsPaid: 'Creators paid',
  charged: 'Charged in all',
  serviceFee: 'Service fee',
  creditedToCreators: 'Credited to creators',
  refunded: 'Refunded (unclaimed, returned to donors)',
  paidToCreators: 'Paid to creators',
  carried: 'Still owed to creators after this month',
  feePaymentPaid: 'Fee payment sent',
  feePaymentCarried: 'Fee carried to a later month',
  networkFee: 'Network fee',
  transactionCount: 'Transactions',
  totalBytes: 'Bytes (worst case)',
};
const COUNT_KEYS = new Set(['donorsCharged', 'clicks', 'creatorsPaid', 'transactionCount', 'totalBytes']);

export function settlementView(ctx: LayoutContext, data: SettlementPageData): TrustedHtml {
  const { status, ticker } = data;
  const coins = (amount: string): string => `${amount} ${ticker}`;
  const totalsOf = (id: string, totals: Record<string, string | number>): TrustedHtml =>
    definitions(
      id,
      Object.entries(totals).map(([key, value]) => [TOTAL_LABELS[key] ?? key, COUNT_KEYS.has(key) || typeof value === 'number' ? String(value) : coins(value)] as const),
    );
  const actionLinks = data.actions.map(({ action, available, reason }) =>
    available
      ? html`<li><a id="action-${action}" class="button" href="/operator/settlements/${status.period}/confirm?action=${action}">${ACTION_LABELS[action]}…</a></li>`
      : reason === undefined
        ? html``
        : html`<li>${ACTION_LABELS[action]}: ${reason}</li>`,
  );
  const transactions =
    status.transactions.length === 0
      ? html`<p id="no-transactions">No transactions signed yet.</p>`
      : table(
          'transactions',
          'Signed transactions, as stored (sent again byte for byte if one vanishes)',
          [{ label: 'Txid' }, { label: 'State' }, { label: 'Bytes', num: true }, { label: 'Fee', num: true }, { label: 'Confirmations', num: true }, { label: 'Block height', num: true }],
          status.transactions.map((tx) => [
            mono(tx.txid),
            html`<span class="tx-state" data-txid="${tx.txid}" title="${wordsFor(TRANSACTION_STATE_WORDS, tx.state)}">${tx.state}</span>`,
            tx.bytes,
            coins(tx.fee),
            html`<span class="tx-confirmations" data-txid="${tx.txid}">${tx.confirmations}</span>`,
            html`<span class="tx-height" data-txid="${tx.txid}">${tx.blockHeight === null ? '–' : String(tx.blockHeight)}</span>`,
          ]),
        );
  return operatorLayout(
    ctx,
    `Settlement ${status.period}`,
    html`${notice(data.done)}${notice(data.error, 'error')}
<p><a id="refresh" href="/operator/settlements/${status.period}">Refresh</a> · <a href="/operator/settlements/${nextPeriod(status.period)}">Next month</a></p>
<section id="settlement-live" aria-labelledby="status-heading" data-live-url="/operator/settlements/${status.period}/status" data-state="${status.state}" data-txids="${status.transactions.map((tx) => tx.txid).join(' ')}"><h2 id="status-heading">Status</h2>
${definitions('settlement-status', [
  ['State', html`<span id="settlement-state">${status.state}</span>: <span id="settlement-state-words">${wordsFor(SETTLEMENT_STATE_WORDS, status.state)}</span>`],
  ['Closed at', status.closedAt === null ? 'not closed' : `${status.closedAt}${status.closedEarly ? ' (closed early)' : ''}`],
  ...(status.awaitingSignaturesSince === null ? [] : [['Signatures', html`<span id="awaiting-signatures">waiting for signatures: PSBTs exported ${status.awaitingSignaturesSince}; import them signed with kibble settle ${status.period} --import-signed</span>`] as const]),
])}
${status.lastError === null ? html`` : html`<p id="last-error" class="notice error" role="alert">Last error: ${status.lastError}</p>`}
<p id="live-note" role="status" aria-live="polite"></p>
</section>
<section aria-labelledby="actions-heading"><h2 id="actions-heading">Actions</h2>
<p>This page is the plan (a dry run until the month is planned, then the stored plan). Every action asks for confirmation first.</p>
<ul class="actions">${actionLinks}</ul></section>
${typeof data.plan === 'string' ? html`<section aria-labelledby="plan-heading"><h2 id="plan-heading">Plan</h2><p class="notice error" role="alert">The plan could not be computed: ${data.plan}</p></section>` : planSection(data.plan, data.handles, coins, totalsOf)}
<section aria-labelledby="transactions-heading"><h2 id="transactions-heading">Transactions</h2>${transactions}</section>`,
  );
}

function planSection(plan: PlanReportView, handles: ReadonlyMap<string, string>, coins: (amount: string) => string, totalsOf: (id: string, totals: Record<string, string | number>) => TrustedHtml): TrustedHtml {
  const build =
    plan.buildError !== null
      ? html`<p id="plan-build-error" class="notice error" role="alert">No transactions can be built now: ${plan.buildError}</p>`
      : table(
          'plan-transactions',
          `Transactions to send: ${plan.totalBytes} bytes in all (at least ${plan.lowerBoundBytes})`,
          [{ label: '#' }, { label: 'Inputs', num: true }, { label: 'Outputs', num: true }, { label: 'Bytes (worst case)', num: true }, { label: 'Fee', num: true }, { label: 'Change', num: true }],
          plan.transactions.map((tx) => [tx.index + 1, tx.inputs, tx.outputs, tx.bytes, coins(tx.fee), coins(tx.change)]),
        );
  return html`<section aria-labelledby="plan-heading"><h2 id="plan-heading">${plan.stored ? 'The stored plan' : 'Plan (dry run: nothing is stored)'}</h2>
${totalsOf('plan-totals', plan.totals)}
${table(
  'plan-donors',
  'Donors charged',
  [{ label: 'Donor' }, { label: 'Clicks', num: true }, { label: 'Budget', num: true }, { label: 'Balance before', num: true }, { label: 'Charge', num: true }, { label: 'Fee', num: true }, { label: 'Refunded', num: true }],
  plan.donors.map((d) => [person(handles, d.donorId), d.clicks, coins(d.budget), coins(d.balanceBefore), coins(d.charge), coins(d.fee), coins(d.refunded)]),
)}
${table(
  'plan-creators',
  'Creators',
  [{ label: 'Creator' }, { label: 'Payout address' }, { label: 'Owed before', num: true }, { label: 'Credited', num: true }, { label: 'Returned', num: true }, { label: 'Paid', num: true }, { label: 'Owed after', num: true }, { label: 'Outcome' }],
  plan.creators.map((c) => [person(handles, c.creatorId), c.payoutAddress === null ? 'none' : mono(c.payoutAddress), coins(c.owedBefore), coins(c.credited), coins(c.returned), coins(c.paid), coins(c.owedAfter), wordsFor(CREATOR_OUTCOME_WORDS, c.outcome)]),
)}
${table(
  'plan-refunds',
  'Refunds: unclaimed amounts returned to their donors',
  [{ label: 'Donor' }, { label: 'Creator' }, { label: 'From month' }, { label: 'Amount', num: true }],
  plan.refunds.map((r) => [person(handles, r.donorId), person(handles, r.creatorId), r.fromPeriod, coins(r.amount)]),
)}
${definitions('plan-fees', [
  ['Service fee payment', plan.feePayment === null ? 'none' : html`${coins(plan.feePayment.paid)} of ${coins(plan.feePayment.requested)} to ${mono(plan.feePayment.address)}: <span id="fee-payment-note">${plan.feePayment.note}</span>`],
  ['Allocation root', plan.commitment.root === null ? plan.commitment.note : html`${mono(plan.commitment.root)}: ${plan.commitment.note}`],
  ['Network fee', coins(plan.networkFee)],
])}
${build}</section>`;
}

// ---------------------------------------------------------------------------------------------
// Confirmation

export function confirmView(ctx: LayoutContext, period: string, action: OperatorAction, question: string): TrustedHtml {
  return operatorLayout(
    ctx,
    `${ACTION_LABELS[action]} ${period}?`,
    html`<p id="confirm-question">${question}</p>
<form id="confirm-form" method="post" action="/operator/settlements/${period}/${action}" data-confirm="${question}">${csrfInput(ctx.csrfToken)}<input type="hidden" name="confirm" value="yes">
<p><button type="submit">Yes, ${ACTION_LABELS[action].toLowerCase()}</button> <a id="confirm-cancel" href="/operator/settlements/${period}">Cancel</a></p></form>`,
  );
}

/** A page that only explains (an action not available now, a form not confirmed) with a way back. */
export function explainView(ctx: LayoutContext, title: string, message: string, back: string): TrustedHtml {
  return operatorLayout(ctx, title, html`${notice(message, 'error')}<p><a href="${back}">Back</a></p>`);
}

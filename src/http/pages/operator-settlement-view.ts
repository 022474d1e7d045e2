import type { MessageKey, Translator } from '../../i18n/translator';
import { nextPeriod } from '../../money/period';
import type { PlanReportView, SettlementStatusView } from '../../services/settlement/views';
import { creatorOutcomeWords, settlementStateName, settlementStateWords, transactionStateName, transactionStateWords } from '../../services/settlement/words';
import { html, type TrustedHtml } from '../html';
import { notice } from './layout';
import { coinsText } from './localized';
import { richText } from './rich-text';
import { actionLabel, countText, definitions, mono, operatorLayout, table, type Cell, type LayoutContext, type OperatorAction } from './operator-views';

/**
 * One month's settlement page for the operator: its state (updated in place by kibble.js, which
 * polls the page's JSON twin), the actions, the plan (a dry run, or the stored plan) and the
 * signed transactions, in the words of the page's locale.
 */

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

const TOTAL_KEYS: Readonly<Record<string, MessageKey>> = {
  donorsCharged: 'operator:total-donorsCharged',
  clicks: 'operator:total-clicks',
  creatorsPaid: 'operator:total-creatorsPaid',
  charged: 'operator:total-charged',
  serviceFee: 'operator:total-serviceFee',
  creditedToCreators: 'operator:total-creditedToCreators',
  refunded: 'operator:total-refunded',
  paidToCreators: 'operator:total-paidToCreators',
  carried: 'operator:total-carried',
  feePaymentPaid: 'operator:total-feePaymentPaid',
  feePaymentCarried: 'operator:total-feePaymentCarried',
  networkFee: 'operator:total-networkFee',
  transactionCount: 'operator:total-transactionCount',
  totalBytes: 'operator:total-totalBytes',
};
const COUNT_KEYS = new Set(['donorsCharged', 'clicks', 'creatorsPaid', 'transactionCount', 'totalBytes']);

/** The page's locale and formats, handed to each section. */
interface Words {
  tr: Translator;
  coins: (decimal: string) => string;
  handles: ReadonlyMap<string, string>;
}

/** An account by its handle, its id on hover (title); the id itself when the handle is unknown. */
function person({ tr, handles }: Words, id: string): TrustedHtml {
  const handle = handles.get(id);
  return handle === undefined ? mono(id) : html`<span class="handle" title="${tr.t('operator:account', { id })}">${handle}</span>`;
}

/** A moment of the view (ISO string) as the locale writes it; anything unparsable as it is. */
function moment(tr: Translator, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : tr.formatDate(date, 'dateTime');
}

function totalsOf(words: Words, id: string, totals: Record<string, string | number>): TrustedHtml {
  const { tr, coins } = words;
  return definitions(
    id,
    Object.entries(totals).map(([key, value]) => {
      const label = Object.hasOwn(TOTAL_KEYS, key) ? tr.t(TOTAL_KEYS[key] as MessageKey) : key;
      return [label, COUNT_KEYS.has(key) || typeof value === 'number' ? countText(tr, value) : coins(value)] as const;
    }),
  );
}

export function settlementView(ctx: LayoutContext, data: SettlementPageData): TrustedHtml {
  const tr = ctx.i18n;
  const { status } = data;
  const words: Words = { tr, coins: (decimal) => coinsText(tr, decimal, data.ticker), handles: data.handles };
  const { coins } = words;
  const actionLinks = data.actions.map(({ action, available, reason }) =>
    available
      ? html`<li><a id="action-${action}" class="button" href="/operator/settlements/${status.period}/confirm?action=${action}">${actionLabel(tr, action)}…</a></li>`
      : reason === undefined
        ? html``
        : html`<li>${tr.t('operator:actionNotNow', { action: actionLabel(tr, action), reason })}</li>`,
  );
  const transactions =
    status.transactions.length === 0
      ? html`<p id="no-transactions">${tr.t('operator:noTransactions')}</p>`
      : table(
          tr,
          'transactions',
          tr.t('operator:transactionsCaption'),
          [
            { label: tr.t('operator:colTxid') },
            { label: tr.t('operator:colState') },
            { label: tr.t('operator:colBytes'), num: true },
            { label: tr.t('operator:colFee'), num: true },
            { label: tr.t('operator:colConfirmations'), num: true },
            { label: tr.t('operator:colBlockHeight'), num: true },
          ],
          status.transactions.map((tx) => [
            mono(tx.txid),
            html`<span class="tx-state" data-txid="${tx.txid}" title="${transactionStateWords(tr, tx.state)}">${transactionStateName(tr, tx.state)}</span>`,
            tr.formatNumber(tx.bytes),
            coins(tx.fee),
            html`<span class="tx-confirmations" data-txid="${tx.txid}">${tx.confirmations}</span>`,
            html`<span class="tx-height" data-txid="${tx.txid}">${tx.blockHeight === null ? '–' : String(tx.blockHeight)}</span>`,
          ]),
        );
  const closedAt = status.closedAt === null ? tr.t('operator:notClosed') : status.closedEarly ? tr.t('operator:closedEarly', { date: moment(tr, status.closedAt) }) : moment(tr, status.closedAt);
  // What kibble.js says as the page follows the batch, in this page's language ({state} and {time} filled in there).
  const liveWords = {
    now: tr.t('operator:liveNow', { state: '{state}', time: '{time}' }),
    changed: tr.t('operator:liveChanged', { state: '{state}' }),
    stopped: tr.t('operator:liveStopped'),
  };
  return operatorLayout(
    ctx,
    tr.t('operator:settlementTitle', { month: status.period }),
    html`${notice(data.done)}${notice(data.error, 'error')}
<p><a id="refresh" href="/operator/settlements/${status.period}">${tr.t('operator:refresh')}</a> · <a href="/operator/settlements/${nextPeriod(status.period)}">${tr.t('operator:nextMonth')}</a></p>
<section id="settlement-live" aria-labelledby="status-heading" data-live-url="/operator/settlements/${status.period}/status" data-state="${status.state}" data-txids="${status.transactions.map((tx) => tx.txid).join(' ')}"><h2 id="status-heading">${tr.t('operator:statusHeading')}</h2>
${definitions('settlement-status', [
  [tr.t('operator:state'), html`<span id="settlement-state">${settlementStateName(tr, status.state)}</span>: <span id="settlement-state-words">${settlementStateWords(tr, status.state)}</span>`],
  [tr.t('operator:closedAt'), closedAt],
  ...(status.awaitingSignaturesSince === null
    ? []
    : [[tr.t('operator:signatures'), html`<span id="awaiting-signatures">${richText(tr, 'operator:awaitingSignatures', { since: moment(tr, status.awaitingSignaturesSince) }, { command: html`<code>kibble settle ${status.period} --import-signed</code>` })}</span>`] as const]),
])}
${status.lastError === null ? html`` : html`<p id="last-error" class="notice error" role="alert">${tr.t('operator:lastError', { error: status.lastError })}</p>`}
<p id="live-note" role="status" aria-live="polite" data-now="${liveWords.now}" data-changed="${liveWords.changed}" data-stopped="${liveWords.stopped}"></p>
</section>
<section aria-labelledby="actions-heading"><h2 id="actions-heading">${tr.t('operator:actionsHeading')}</h2>
<p>${tr.t('operator:actionsIntro')}</p>
<ul class="actions">${actionLinks}</ul></section>
${typeof data.plan === 'string' ? html`<section aria-labelledby="plan-heading"><h2 id="plan-heading">${tr.t('operator:planHeading')}</h2><p class="notice error" role="alert">${tr.t('operator:planError', { reason: data.plan })}</p></section>` : planSection(data.plan, words)}
<section aria-labelledby="transactions-heading"><h2 id="transactions-heading">${tr.t('operator:transactionsHeading')}</h2>${transactions}</section>`,
  );
}

function planSection(plan: PlanReportView, words: Words): TrustedHtml {
  const { tr, coins } = words;
  const col = (key: MessageKey, num = false) => ({ label: tr.t(key), num });
  const build =
    plan.buildError !== null
      ? html`<p id="plan-build-error" class="notice error" role="alert">${tr.t('operator:buildError', { reason: plan.buildError })}</p>`
      : table(
          tr,
          'plan-transactions',
          tr.t('operator:planTransactionsCaption', { bytes: tr.formatNumber(plan.totalBytes), lowerBound: tr.formatNumber(plan.lowerBoundBytes) }),
          [col('operator:colIndex'), col('operator:colInputs', true), col('operator:colOutputs', true), col('operator:colWorstBytes', true), col('operator:colFee', true), col('operator:colChange', true)],
          plan.transactions.map((tx): Cell[] => [tx.index + 1, tx.inputs, tx.outputs, tr.formatNumber(tx.bytes), coins(tx.fee), coins(tx.change)]),
        );
  return html`<section aria-labelledby="plan-heading"><h2 id="plan-heading">${plan.stored ? tr.t('operator:storedPlan') : tr.t('operator:dryRunPlan')}</h2>
${totalsOf(words, 'plan-totals', plan.totals)}
${table(
  tr,
  'plan-donors',
  tr.t('operator:donorsCaption'),
  [col('operator:colDonor'), col('operator:colClicks', true), col('operator:colBudget', true), col('operator:colBalanceBefore', true), col('operator:colCharge', true), col('operator:colFee', true), col('operator:colRefunded', true)],
  plan.donors.map((d) => [person(words, d.donorId), tr.formatNumber(d.clicks), coins(d.budget), coins(d.balanceBefore), coins(d.charge), coins(d.fee), coins(d.refunded)]),
)}
${table(
  tr,
  'plan-creators',
  tr.t('operator:creatorsCaption'),
  [
    col('operator:colCreator'),
    col('operator:colPayoutAddress'),
    col('operator:colOwedBefore', true),
    col('operator:colCredited', true),
    col('operator:colReturned', true),
    col('operator:colPaid', true),
    col('operator:colOwedAfter', true),
    col('operator:colOutcome'),
  ],
  plan.creators.map((c) => [
    person(words, c.creatorId),
    c.payoutAddress === null ? tr.t('operator:noAddress') : mono(c.payoutAddress),
    coins(c.owedBefore),
    coins(c.credited),
    coins(c.returned),
    coins(c.paid),
    coins(c.owedAfter),
    html`<span class="outcome" data-outcome="${c.outcome}">${creatorOutcomeWords(tr, c.outcome)}</span>`,
  ]),
)}
${table(
  tr,
  'plan-refunds',
  tr.t('operator:refundsCaption'),
  [col('operator:colDonor'), col('operator:colCreator'), col('operator:colFromMonth'), col('operator:colAmount', true)],
  plan.refunds.map((r) => [person(words, r.donorId), person(words, r.creatorId), r.fromPeriod, coins(r.amount)]),
)}
${definitions('plan-fees', [
  [
    tr.t('operator:feePaymentTerm'),
    plan.feePayment === null
      ? tr.t('operator:noFeePayment')
      : html`${richText(tr, 'operator:feePayment', { paid: coins(plan.feePayment.paid), requested: coins(plan.feePayment.requested) }, { address: mono(plan.feePayment.address) })}: <span id="fee-payment-note">${feePaymentNote(plan, words)}</span>`,
  ],
  [tr.t('operator:allocationRootTerm'), plan.commitment.root === null ? commitmentNote(plan, tr) : html`${mono(plan.commitment.root)}: ${commitmentNote(plan, tr)}`],
  [tr.t('operator:networkFeeTerm'), coins(plan.networkFee)],
])}
${build}</section>`;
}

/** views.ts's fee payment note, in the page's words, from the same fields. */
function feePaymentNote(plan: PlanReportView, { tr, coins }: Words): string {
  const payment = plan.feePayment;
  if (payment === null) return '';
  if (plan.buildError !== null) return tr.t('operator:fee-not-built');
  const paidNothing = payment.paid === '0';
  const where = tr.t('operator:feeWhere', { paid: coins(payment.paid), count: payment.outputs });
  const carried = coins(payment.carried);
  switch (payment.status) {
    case 'paid-in-full':
      return tr.t('operator:fee-paid-in-full', { where });
    case 'below-dust':
      return paidNothing ? tr.t('operator:fee-below-dust-none') : tr.t('operator:fee-below-dust', { where, carried });
    case 'wallet-short':
      return tr.t('operator:fee-wallet-short', { where, carried });
    case 'inputs-too-small':
      return tr.t('operator:fee-inputs-too-small', { where, carried });
    case null:
      return payment.carried === '0' ? tr.t('operator:fee-full', { where }) : tr.t('operator:fee-carried', { where, carried });
    default:
      // A status written by a newer kibble: the view's own (English) sentence.
      return payment.note;
  }
}

/** views.ts's commitment note, in the page's words, from the same fields. */
function commitmentNote(plan: PlanReportView, tr: Translator): string {
  const { commitment } = plan;
  if (commitment.root === null) return tr.t('operator:commitment-none');
  if (commitment.vout === null || commitment.script === null) return plan.buildError !== null ? tr.t('operator:commitment-not-built') : tr.t('operator:commitment-pays-nothing');
  const vars = { vout: commitment.vout, bytes: commitment.script.length / 2 };
  return plan.stored ? tr.t('operator:commitmentOutput', vars) : tr.t('operator:commitmentDryRun', vars);
}

import { ERROR_CATALOGUE, isKibbleError } from '../../errors';
import { nextPeriod, parsePeriod, periodBounds, periodOf } from '../../money/period';
import { settlementOverview, settlementStatus } from '../../services/settlement/status';
import { planReportView, settlementStatusView, type PlanReportView, type SettlementStatusView } from '../../services/settlement/views';
import { walletHoldings } from '../../services/settlement/wallet';
import { scannerHeight } from '../../services/wallet-watch/chain-cursor-store';
import { handlesOf } from '../../services/accounts/account-store';
import { clickPeriodAt } from '../../services/period-closure';
import { settlementStateName, settlementStateWords, transactionStateName, transactionStateWords } from '../../services/settlement/words';
import { operatorTokenMatches } from '../auth';
import { tipOrUndefined } from '../chain-tip';
import { localizedErrorMessage } from '../../i18n/error-messages';
import { coinsText, operatorErrorText } from './localized';
import { settlementView } from './operator-settlement-view';
import { actionLabel, confirmView, dashboardView, explainView, isOperatorAction, OPERATOR_ACTIONS, signInView, type OperatorAction } from './operator-views';
import type { PageContext, PageResult, PageRoute } from './page';
import { issueOperatorSessionFor, revokeOperatorSessionFor } from '../session-issuing';
import { cookieOptions, OPERATOR_COOKIE, operatorTokenOf } from './web-session';

/**
 * The operator's pages (issue 6): sign in with OPERATOR_TOKEN, the dashboard (wallet, scanner,
 * every settlement), one month's settlement with its plan, and the settlement actions, each
 * behind a confirmation page whose form carries `confirm=yes` (so it works without JavaScript;
 * with it, kibble.js asks once more through data-confirm).
 */

const SIGN_IN = '/operator/signin';

function operatorCookieOptions(ctx: PageContext, maxAgeMs?: number) {
  return { ...cookieOptions(ctx.deps.config, maxAgeMs), sameSite: 'strict' as const };
}

/** Runs `page` for a signed-in operator only; anyone else goes to the operator sign-in. */
function operatorOnly(page: (ctx: PageContext) => Promise<PageResult>): (ctx: PageContext) => Promise<PageResult> {
  return async (ctx) => (ctx.operator ? page(ctx) : { redirect: SIGN_IN });
}


function queryString(ctx: PageContext, name: string): string | undefined {
  const value: unknown = ctx.req.query[name];
  return typeof value === 'string' ? value : undefined;
}

function paramPeriod(ctx: PageContext): string {
  // A malformed month is a KibbleError ('period-invalid'): the router renders it as a 400 page.
  return parsePeriod(ctx.req.params.period);
}

// ---------------------------------------------------------------------------------------------
// Dashboard

async function dashboard(ctx: PageContext, form: { periodInput?: string; periodError?: string } = {}, status = 200): Promise<PageResult> {
  // "This month" as every page says it: the month clicks count in now (the next one after "close now").
  const current = await clickPeriodAt(ctx.now);
  const [holdings, cursorHeight, tip] = await Promise.all([walletHoldings(), scannerHeight(ctx.deps.chain.name), tipOrUndefined(ctx.deps, 'the operator pages')]);
  const { settlements, due } = await settlementOverview(current, tip);
  const stored = new Set(settlements.map((s) => s.period));
  const dueSet = new Set(due);
  const periods = [
    ...settlements.map((status) => ({ status, due: dueSet.has(status.period), started: true })),
    ...due.filter((period) => !stored.has(period)).map((period) => ({ status: settlementStatusView(period, null, tip), due: true, started: false })),
  ].sort((a, b) => (a.status.period < b.status.period ? 1 : a.status.period > b.status.period ? -1 : 0));
  return {
    status,
    page: dashboardView(ctx, {
      ticker: ctx.deps.chain.ticker,
      walletUnspent: holdings.unspent,
      uncreditedDeposits: holdings.uncreditedDeposits,
      scannerHeight: cursorHeight,
      nodeTip: tip,
      currentPeriod: current,
      periods,
      periodInput: form.periodInput ?? current,
      periodError: form.periodError,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// One settlement

interface SettlementFacts {
  period: string;
  /** False until the month was closed (the status then says 'open'). */
  started: boolean;
  status: SettlementStatusView;
  plan: PlanReportView | string;
  /** Handles of the accounts the plan names, by id. */
  handles: ReadonlyMap<string, string>;
}

async function settlementFacts(ctx: PageContext, period: string): Promise<SettlementFacts> {
  const { started, status } = await settlementStatus(period, await tipOrUndefined(ctx.deps, 'the operator pages'));
  let plan: PlanReportView | string;
  if (ctx.deps.settlement === undefined) {
    plan = ctx.i18n.t('operator:noService');
  } else {
    try {
      plan = planReportView(await ctx.deps.settlement.plan(period));
    } catch (error) {
      if (!isKibbleError(error)) throw error;
      plan = operatorErrorText(ctx.i18n, error);
    }
  }
  const ids = typeof plan === 'string' ? [] : [...plan.donors.map((d) => d.donorId), ...plan.creators.map((c) => c.creatorId), ...plan.refunds.flatMap((r) => [r.donorId, r.creatorId])];
  return { period, started, status, plan, handles: await handlesOf(ids) };
}

/** Whether each action can run now, and if not why (undefined: not worth mentioning). */
function availability(ctx: PageContext, facts: SettlementFacts, action: OperatorAction): { available: boolean; reason?: string } {
  const tr = ctx.i18n;
  const state = facts.status.state;
  const current = periodOf(ctx.now);
  const ended = ctx.now >= periodBounds(facts.period).end;
  switch (action) {
    case 'execute':
      if (state === 'confirmed') return { available: false, reason: tr.t('operator:reasonConfirmed') };
      if (!ended && !facts.started) {
        return { available: false, reason: facts.period === current ? tr.t('operator:reasonNotEndedCloseNow') : tr.t('operator:reasonNotEnded') };
      }
      return { available: true };
    case 'execute-close-now':
      return { available: facts.period === current && !facts.started };
    case 'rebroadcast':
      return { available: state === 'signed' || state === 'broadcast' };
  }
}

function settlementPage(ctx: PageContext, facts: SettlementFacts, notices: { done?: string; error?: string } = {}, status = 200): PageResult {
  return {
    status,
    page: settlementView(ctx, {
      ticker: ctx.deps.chain.ticker,
      status: facts.status,
      plan: facts.plan,
      actions: OPERATOR_ACTIONS.map((action) => ({ action, ...availability(ctx, facts, action) })),
      handles: facts.handles,
      done: notices.done,
      error: notices.error,
    }),
  };
}

function doneMessage(ctx: PageContext, action: OperatorAction, facts: SettlementFacts): string {
  const tr = ctx.i18n;
  const state = settlementStateName(tr, facts.status.state);
  return action === 'rebroadcast'
    ? tr.t('operator:doneRebroadcast', { month: facts.period, state })
    : tr.t('operator:doneAction', { action: actionLabel(tr, action), month: facts.period, state });
}

/** What "execute" will start with, from the month's state: the steps left. */
function stepsLeft(ctx: PageContext, facts: SettlementFacts, action: OperatorAction): string {
  const tr = ctx.i18n;
  const month = facts.period;
  switch (facts.status.state) {
    case 'open':
      return action === 'execute-close-now' ? tr.t('operator:step-open-close-now', { month, next: nextPeriod(month) }) : tr.t('operator:step-open', { month });
    case 'closed':
      return tr.t('operator:step-closed', { month });
    case 'planned':
      return tr.t('operator:step-planned', { month });
    case 'signed':
      return tr.t('operator:step-signed', { month });
    default:
      return tr.t('operator:step-other', { month });
  }
}

/** Exactly what the action will do, in one sentence the operator confirms. */
function question(ctx: PageContext, facts: SettlementFacts, action: OperatorAction): string {
  const tr = ctx.i18n;
  const { period, status } = facts;
  const coins = (decimal: string): string => coinsText(tr, decimal, ctx.deps.chain.ticker);
  if (action === 'rebroadcast') return tr.t('operator:askRebroadcast', { count: status.transactions.length, month: period });
  if (status.state === 'broadcast') return tr.t('operator:askBroadcast', { month: period });
  const step = stepsLeft(ctx, facts, action);
  const plan = facts.plan;
  if (typeof plan === 'string') return tr.t('operator:askNoPlan', { step, reason: plan });
  if (plan.buildError !== null) return tr.t('operator:askNoBuild', { step, reason: plan.buildError });
  const creators = Number(plan.totals.creatorsPaid ?? 0);
  const vars = {
    step,
    transactions: tr.t('operator:askTransactions', { count: plan.transactions.length }),
    paid: coins(String(plan.totals.paidToCreators ?? '0')),
    creators: tr.t('operator:askCreators', { count: creators }),
    networkFee: coins(plan.networkFee),
  };
  return plan.feePayment === null ? tr.t('operator:askPlan', vars) : tr.t('operator:askPlanWithFee', { ...vars, fee: coins(plan.feePayment.paid) });
}

async function runAction(ctx: PageContext, action: OperatorAction): Promise<PageResult> {
  const period = paramPeriod(ctx);
  const tr = ctx.i18n;
  if (ctx.form.confirm !== 'yes') {
    return {
      status: 400,
      page: explainView(ctx, tr.t('operator:notConfirmedTitle'), tr.t('operator:notConfirmed', { action: actionLabel(tr, action), month: period }), `/operator/settlements/${period}/confirm?action=${action}`),
    };
  }
  const service = ctx.deps.settlement;
  if (service === undefined) {
    return { status: 503, page: explainView(ctx, tr.t('operator:unavailableTitle'), tr.t('operator:unavailable'), `/operator/settlements/${period}`) };
  }
  try {
    if (action === 'rebroadcast') await service.rebroadcast(period);
    else await service.execute(period, { closeNow: action === 'execute-close-now' });
  } catch (error) {
    if (!isKibbleError(error)) throw error;
    ctx.deps.logger.warn({ period, action, code: error.code, message: error.message }, 'operator settlement action refused');
    const status = ERROR_CATALOGUE[error.code].httpStatus;
    return settlementPage(ctx, await settlementFacts(ctx, period), { error: tr.t('operator:actionStopped', { action: actionLabel(tr, action), message: operatorErrorText(tr, error) }) }, status);
  }
  // Said once, on the next view of the page: a flash cookie, not a query string that a reload
  // (or a bookmark) would repeat after the state moved on.
  ctx.res.cookie(FLASH_COOKIE, action, flashCookieOptions(ctx, period, FLASH_MAX_AGE_MS));
  return { redirect: `/operator/settlements/${period}` };
}

const FLASH_COOKIE = 'kibble_operator_done';
const FLASH_MAX_AGE_MS = 60_000;

function flashCookieOptions(ctx: PageContext, period: string, maxAgeMs?: number) {
  return { ...operatorCookieOptions(ctx, maxAgeMs), path: `/operator/settlements/${period}` };
}

/** The action just done on this month's page, if any, forgotten as it is read. */
function takeFlash(ctx: PageContext, period: string): OperatorAction | undefined {
  const value: unknown = (ctx.req.cookies as Record<string, unknown> | undefined)?.[FLASH_COOKIE];
  if (value === undefined) return undefined;
  ctx.res.clearCookie(FLASH_COOKIE, flashCookieOptions(ctx, period));
  return isOperatorAction(value) ? value : undefined;
}

/** What kibble.js polls to update the month's page as the batch is signed, sent and confirmed. */
async function liveStatus(ctx: PageContext): Promise<PageResult> {
  if (!ctx.operator) return { status: 401, json: { error: { code: 'unauthorized', message: 'sign in to the operator pages first' } } };
  const period = paramPeriod(ctx);
  const { status } = await settlementStatus(period, await tipOrUndefined(ctx.deps, 'the operator pages'));
  const tr = ctx.i18n;
  // The codes, and their names and words in the page's language (the same cookie picks it).
  return {
    json: {
      period,
      state: status.state,
      stateName: settlementStateName(tr, status.state),
      stateWords: settlementStateWords(tr, status.state),
      lastError: status.lastError,
      transactions: status.transactions.map((tx) => ({
        txid: tx.txid,
        state: tx.state,
        stateName: transactionStateName(tr, tx.state),
        stateWords: transactionStateWords(tr, tx.state),
        confirmations: tx.confirmations,
        blockHeight: tx.blockHeight,
      })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

export const operatorPages: PageRoute[] = [
  {
    method: 'get',
    path: SIGN_IN,
    handler: (ctx) => (ctx.operator ? { redirect: '/operator' } : { page: signInView(ctx, undefined) }),
  },
  {
    method: 'post',
    path: SIGN_IN,
    rateLimit: 'sessions',
    handler: async (ctx) => {
      if (!operatorTokenMatches(ctx.form.token ?? '', ctx.deps.config.operatorToken)) {
        return { status: 401, page: signInView(ctx, ctx.i18n.t('operator:wrongToken')) };
      }
      const session = await issueOperatorSessionFor(ctx.deps, ctx.now);
      ctx.res.cookie(OPERATOR_COOKIE, session.token, operatorCookieOptions(ctx, session.expiresAt.getTime() - ctx.now.getTime()));
      return { redirect: '/operator' };
    },
  },
  {
    method: 'post',
    path: '/operator/signout',
    handler: async (ctx) => {
      // Revoked, not merely forgotten by this browser: a copy of the cookie stops working too.
      const token = operatorTokenOf(ctx.req);
      if (token !== undefined) await revokeOperatorSessionFor(ctx.deps, token);
      ctx.res.clearCookie(OPERATOR_COOKIE, operatorCookieOptions(ctx));
      return { redirect: SIGN_IN };
    },
  },
  { method: 'get', path: '/operator', handler: operatorOnly((ctx) => dashboard(ctx)) },
  {
    method: 'get',
    path: '/operator/settlements',
    handler: operatorOnly(async (ctx) => {
      const input = queryString(ctx, 'period') ?? '';
      try {
        return { redirect: `/operator/settlements/${parsePeriod(input.trim())}` };
      } catch (error) {
        if (!isKibbleError(error)) throw error;
        return dashboard(ctx, { periodInput: input, periodError: ctx.i18n.t('operator:periodError', { reason: localizedErrorMessage(ctx.i18n, error) }) }, 400);
      }
    }),
  },
  {
    method: 'get',
    path: '/operator/settlements/:period',
    handler: operatorOnly(async (ctx) => {
      const period = paramPeriod(ctx);
      const done = takeFlash(ctx, period);
      const facts = await settlementFacts(ctx, period);
      return settlementPage(ctx, facts, done === undefined ? {} : { done: doneMessage(ctx, done, facts) });
    }),
  },
  { method: 'get', path: '/operator/settlements/:period/status', handler: liveStatus },
  {
    method: 'get',
    path: '/operator/settlements/:period/confirm',
    handler: operatorOnly(async (ctx) => {
      const period = paramPeriod(ctx);
      const action = queryString(ctx, 'action');
      const tr = ctx.i18n;
      if (!isOperatorAction(action)) {
        return { status: 400, page: explainView(ctx, tr.t('operator:unknownActionTitle'), tr.t('operator:unknownAction', { month: period }), `/operator/settlements/${period}`) };
      }
      const facts = await settlementFacts(ctx, period);
      const { available, reason } = availability(ctx, facts, action);
      if (!available) {
        const why = reason ?? (action === 'rebroadcast' ? tr.t('operator:reasonNothingSigned') : tr.t('operator:reasonCloseOnlyCurrent', { month: periodOf(ctx.now) }));
        const label = actionLabel(tr, action);
        return { status: 409, page: explainView(ctx, tr.t('operator:notNowTitle', { action: label, month: period }), tr.t('operator:notNow', { action: label, why }), `/operator/settlements/${period}`) };
      }
      return { page: confirmView(ctx, period, action, question(ctx, facts, action)) };
    }),
  },
  ...OPERATOR_ACTIONS.map(
    (action): PageRoute => ({
      method: 'post',
      path: `/operator/settlements/:period/${action}`,
      handler: operatorOnly((ctx) => runAction(ctx, action)),
    }),
  ),
];

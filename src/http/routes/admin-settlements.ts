import { z } from 'zod';
import { KibbleError } from '../../errors';
import { periodOf } from '../../money/period';
import { SETTLEMENT_STATES } from '../../services/settlement/settlement-store';
import type { SettlementService } from '../../services/settlement/state-machine';
import { settlementOverview, settlementStatus } from '../../services/settlement/status';
import { planReportView, settlementStatusView } from '../../services/settlement/views';
import { tipOrUndefined } from '../chain-tip';
import type { AppDeps } from '../deps';
import { defineRoute, type Route } from '../route';
import { coinAmount, isoTimestamp, period } from '../schemas';

/** The operator's view of the monthly settlement (OPERATOR_TOKEN only). Amounts are decimal coins. */

const statusSchema = z.strictObject({
  period,
  state: z.enum(SETTLEMENT_STATES),
  closedAt: isoTimestamp.nullable(),
  closedEarly: z.boolean(),
  lastError: z.string().nullable(),
  awaitingSignaturesSince: isoTimestamp.nullable().meta({ description: 'set while a planned month waits for signatures after settle --export-psbt (docs/signer.md)' }),
  summary: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
  transactions: z.array(
    z.strictObject({ txid: z.string(), state: z.string(), bytes: z.number().int(), fee: coinAmount, blockHeight: z.number().int().nullable(), confirmations: z.number().int() }),
  ),
});

const planSchema = z.strictObject({
  period,
  state: z.string(),
  stored: z.boolean().meta({ description: 'true: the stored plan being carried out; false: a dry run, nothing stored' }),
  totals: z.record(z.string(), z.union([z.string(), z.number()])),
  donors: z.array(z.strictObject({
    donorId: z.string(), clicks: z.number().int(), budget: coinAmount, balanceBefore: coinAmount, charge: coinAmount, fee: coinAmount, refunded: coinAmount,
    fiatBudget: z.strictObject({ currency: z.string(), amount: z.string() }).optional().meta({ description: 'the budget in a fiat currency, converted at `rates` (floored to the smallest unit) into `budget`' }),
  })),
  rates: z.array(z.strictObject({ currency: z.string(), rate: z.string().meta({ description: 'fiat per whole coin, an exact decimal' }), at: isoTimestamp, source: z.string().meta({ description: "the price source's host, or 'operator' for a rate given with settle --rate" }) })),
  creators: z.array(
    z.strictObject({
      creatorId: z.string(),
      payoutAddress: z.string().nullable(),
      owedBefore: coinAmount,
      credited: coinAmount,
      returned: coinAmount,
      paid: coinAmount,
      owedAfter: coinAmount,
      outcome: z.string(),
    }),
  ),
  refunds: z.array(z.strictObject({ donorId: z.string(), creatorId: z.string(), fromPeriod: period, amount: coinAmount })),
  feePayment: z
    .strictObject({
      address: z.string(),
      requested: coinAmount,
      paid: coinAmount,
      outputs: z.number().int().meta({ description: 'outputs to the fee address: one per transaction that carries part of the fee payment' }),
      carried: coinAmount.meta({ description: 'left in platform:fees for a later month ("0" when paid in full)' }),
      status: z.enum(['paid-in-full', 'below-dust', 'wallet-short', 'inputs-too-small']).nullable().meta({ description: 'why it paid what it paid; null for a plan stored before it was recorded' }),
      note: z.string().meta({ description: 'the same in a sentence' }),
    })
    .nullable(),
  transactions: z.array(z.strictObject({ index: z.number().int(), inputs: z.number().int(), outputs: z.number().int(), bytes: z.number().int(), fee: coinAmount, change: coinAmount })),
  commitment: z
    .strictObject({
      root: z.string().nullable().meta({ description: "the month's allocation root (hex, docs/proofs.md); null without allocations" }),
      transaction: z.number().int().nullable().meta({ description: 'index of the transaction carrying it (0, the first) or null when none does' }),
      vout: z.number().int().nullable(),
      script: z.string().nullable().meta({ description: 'the OP_RETURN output script (hex), value 0' }),
      note: z.string().meta({ description: 'the same in a sentence, or why nothing is committed on chain' }),
    }),
  networkFee: coinAmount,
  totalBytes: z.number().int(),
  lowerBoundBytes: z.number().int(),
  buildError: z.string().nullable(),
});

const periodParams = z.object({ period });

function settlementOf(deps: AppDeps): SettlementService {
  if (deps.settlement === undefined) throw new KibbleError('internal', 'the settlement service is not wired into this app');
  return deps.settlement;
}


export const adminSettlementRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/settlements',
    summary: 'Every settlement, newest first, and the past months still waiting to be settled',
    tags: ['admin'],
    auth: 'operator',
    responses: { 200: { description: 'settlements', schema: z.strictObject({ settlements: z.array(statusSchema), due: z.array(period) }) } },
    handler: async ({ deps, now }) => {
      const overview = await settlementOverview(periodOf(now), await tipOrUndefined(deps, 'the admin API'));
      return { status: 200, body: overview };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/settlements/:period',
    summary: "One month's settlement: state, totals, transactions with confirmations, the last error",
    tags: ['admin'],
    auth: 'operator',
    params: periodParams,
    responses: { 200: { description: 'the settlement (state "open" when it has not started)', schema: statusSchema } },
    handler: async ({ deps, params }) => {
      const { status } = await settlementStatus(params.period, await tipOrUndefined(deps, 'the admin API'));
      return { status: 200, body: status };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/settlements/:period/plan',
    summary: 'The plan: a dry run until the month is planned, then the stored plan',
    tags: ['admin'],
    auth: 'operator',
    params: periodParams,
    responses: { 200: { description: 'the plan', schema: planSchema } },
    handler: async ({ deps, params }) => ({ status: 200, body: planReportView(await settlementOf(deps).plan(params.period)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/settlements/:period/execute',
    summary: 'Close (if the month ended, or now with closeNow), plan, sign and broadcast; resumes a stopped settlement',
    tags: ['admin'],
    auth: 'operator',
    params: periodParams,
    query: z.object({ closeNow: z.enum(['true', 'false']).optional().meta({ description: 'true: close the current month now (later clicks go to the next month)' }) }),
    responses: {
      200: { description: 'the settlement after this run', schema: statusSchema },
      409: { description: 'refused (an invariant failed, an earlier month is unsettled, the month has not ended) or another instance holds the lease' },
    },
    handler: async ({ deps, params, query }) => {
      const settlement = await settlementOf(deps).execute(params.period, { closeNow: query.closeNow === 'true' });
      return { status: 200, body: settlementStatusView(params.period, settlement, await tipOrUndefined(deps, 'the admin API')) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/settlements/:period/rebroadcast',
    summary: 'Send the stored signed transactions again (never new ones)',
    tags: ['admin'],
    auth: 'operator',
    params: periodParams,
    responses: {
      200: { description: 'the settlement', schema: statusSchema },
      409: { description: 'nothing signed to re-send' },
    },
    handler: async ({ deps, params }) => {
      const settlement = await settlementOf(deps).rebroadcast(params.period);
      return { status: 200, body: settlementStatusView(params.period, settlement, await tipOrUndefined(deps, 'the admin API')) };
    },
  }),
];

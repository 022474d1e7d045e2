import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import { DEPOSIT_PAGE_DEFAULT, DEPOSIT_PAGE_MAX, depositHistory } from '../../services/statements/deposit-history';
import { statementOf, type StatementSettings } from '../../services/statements/statements';
import { tipOrUndefined } from '../chain-tip';
import type { AppDeps } from '../deps';
import { defineRoute, type Route } from '../route';
import { coinAmount, objectId, pageLimit, period } from '../schemas';
import { statementCsv, statementJson } from '../statement-views';

/**
 * Statements of past months (issue 15) and the deposit history: the signed-in account's own, the
 * account always from the session. A month has a statement once its settlement was planned.
 */

const payoutSchema = z.strictObject({
  txid: z.string(),
  vout: z.number().int(),
  outpoint: z.string().meta({ description: 'txid:vout' }),
  amount: coinAmount,
  address: z.string(),
  state: z.enum(['signed', 'broadcast', 'confirmed']),
  blockHeight: z.number().int().nullable(),
  /** null while the node's tip is unknown */
  confirmations: z.number().int().nullable(),
});

const statementSchema = z.strictObject({
  period,
  settlementState: z.string(),
  donor: z.strictObject({
    charge: coinAmount,
    fee: coinAmount,
    distributed: coinAmount.meta({ description: 'charge - fee, what the flattrs shared' }),
    flattrs: z.array(
      z.strictObject({
        at: z.string(),
        thingId: objectId,
        thingTitle: z.string().nullable(),
        thingUrl: z.string().nullable(),
        creatorId: objectId,
        creatorHandle: z.string().nullable(),
        source: z.enum(['button', 'subscription']),
        value: coinAmount,
      }),
    ),
    creators: z.array(
      z.strictObject({
        creatorId: objectId,
        creatorHandle: z.string().nullable(),
        amount: coinAmount,
        status: z.enum(['paid', 'not-yet-broadcast', 'below-dust', 'no-payout-address']),
        payout: payoutSchema.nullable(),
        returnsOn: z.strictObject({ period, date: z.string() }).nullable().meta({ description: 'no-payout-address: when the amount returns to the donor if the creator still has no payout address' }),
      }),
    ),
    refunds: z.array(z.strictObject({ fromPeriod: period, creatorId: objectId, creatorHandle: z.string().nullable(), amount: coinAmount })),
  }),
  creator: z
    .strictObject({
      supporters: z.number().int(),
      things: z.array(z.strictObject({ thingId: objectId, title: z.string().nullable(), url: z.string().nullable(), flattrs: z.number().int(), amount: coinAmount })),
      carriedIn: coinAmount,
      credited: coinAmount,
      returned: coinAmount,
      paid: coinAmount,
      carriedOut: coinAmount,
      outcome: z.enum(['paid', 'below-dust', 'no-payout-address', 'nothing-owed']),
      payouts: z.array(payoutSchema),
    })
    .nullable(),
});

const depositHistorySchema = z.strictObject({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  deposits: z.array(
    z.strictObject({
      txid: z.string(),
      vout: z.number().int(),
      outpoint: z.string(),
      amount: coinAmount,
      status: z.enum(['pending', 'credited']),
      blockHeight: z.number().int(),
      seenAt: z.string(),
      creditedAt: z.string().nullable(),
      confirmations: z.number().int().nullable(),
    }),
  ),
});

const notPlanned = { description: "not-found: the month's settlement has not been planned yet" };

export function statementSettings(deps: AppDeps): StatementSettings {
  return { serviceFeeBps: deps.config.serviceFeeBps, unclaimedMonths: deps.config.unclaimedMonths, chain: deps.chain };
}

export const statementRoutes: Route[] = [
  // Before the JSON route: express would take "2026-10.csv" as its :period otherwise.
  defineRoute({
    method: 'get',
    path: '/api/v1/me/statements/:period.csv',
    summary: 'My statement of a past month as CSV',
    description: 'The same figures as the JSON statement: one row per flattr (with the payout of its creator), the fee and refunds for the donor; one row per thing, carried amounts and each payout for the creator. RFC 4180, with a header row.',
    tags: ['statements'],
    auth: 'account',
    params: z.object({ period }),
    responses: { 200: { description: 'the statement (CSV attachment)', schema: z.string(), contentType: 'text/csv; charset=utf-8' }, 404: notPlanned },
    handler: async ({ params, accountId, deps }) => {
      const statement = await statementOf(accountId, params.period, statementSettings(deps), () => tipOrUndefined(deps, '/me/statements'));
      return {
        status: 200,
        contentType: 'text/csv; charset=utf-8',
        headers: { 'Content-Disposition': `attachment; filename="kibble-statement-${statement.period}.csv"` },
        body: statementCsv(statement),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/statements/:period',
    summary: 'My statement of a past month: every flattr, what it was worth, and the payout (txid:vout) that carried it',
    description:
      "As donor: each counted flattr and its share of the charge after the fee (they sum to charge - fee), and per creator the payout output with confirmations, or why it is not paid (below-dust: carried to a later month; no-payout-address: unclaimed, returned on `returnsOn` if still unclaimed; not-yet-broadcast), and refunds received. As creator (null if the month did not concern the account as one): income per thing, the number of supporters, what was carried in and out, and each payout. Available once the month's settlement is planned.",
    tags: ['statements'],
    auth: 'account',
    params: z.object({ period }),
    responses: { 200: { description: 'the statement', schema: statementSchema }, 404: notPlanned },
    handler: async ({ params, accountId, deps }) => {
      const statement = await statementOf(accountId, params.period, statementSettings(deps), () => tipOrUndefined(deps, '/me/statements'));
      return { status: 200, body: statementJson(statement) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/deposits',
    summary: 'My deposits, the latest first: pending ones and credited ones (which stay listed)',
    tags: ['statements'],
    auth: 'account',
    query: z.object({
      offset: z.string().regex(/^(0|[1-9][0-9]{0,8})$/, 'must be a whole number >= 0').optional(),
      limit: pageLimit(DEPOSIT_PAGE_MAX).optional(),
    }),
    responses: { 200: { description: 'one page of deposits', schema: depositHistorySchema } },
    handler: async ({ query, accountId, deps }) => {
      const page = await depositHistory(
        accountId,
        { offset: query.offset === undefined ? 0 : Number(query.offset), limit: query.limit === undefined ? DEPOSIT_PAGE_DEFAULT : Number(query.limit) },
        () => tipOrUndefined(deps, '/me/deposits'),
      );
      return {
        status: 200,
        body: {
          ...page,
          deposits: page.deposits.map((deposit) => ({
            txid: deposit.txid,
            vout: deposit.vout,
            outpoint: `${deposit.txid}:${deposit.vout}`,
            amount: formatCoins(deposit.amount),
            status: deposit.status,
            blockHeight: deposit.blockHeight,
            seenAt: deposit.seenAt.toISOString(),
            creditedAt: deposit.creditedAt === null ? null : deposit.creditedAt.toISOString(),
            confirmations: deposit.confirmations,
          })),
        },
      };
    },
  }),
];

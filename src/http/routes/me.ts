import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import { clickPeriodAt } from '../../services/period-closure';
import { accountOverview, setMonthlyBudget, setPayoutAddress, type AccountOverview } from '../../services/accounts/accounts';
import { tipOrUndefined } from '../chain-tip';
import { defineRoute, type Route } from '../route';
import { coinAmount, objectId, period } from '../schemas';

/**
 * The signed-in account's own data. The account id always comes from the session, never from
 * the request, so there is no way to name someone else's account here.
 */

const pendingDepositSchema = z.strictObject({
  txid: z.string(),
  vout: z.number().int(),
  amount: coinAmount,
  /** null while the node's tip is unknown */
  confirmations: z.number().int().nullable(),
});

const meSchema = z.strictObject({
  id: objectId,
  handle: z.string(),
  depositAddress: z.string(),
  depositUri: z.string().meta({ example: 'dogecoin:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L' }),
  monthlyBudget: coinAmount,
  balance: coinAmount,
  pendingDeposits: z.strictObject({
    total: coinAmount,
    /** Confirmations a deposit needs before it counts in the balance. */
    requiredConfirmations: z.number().int(),
    deposits: z.array(pendingDepositSchema),
  }),
  payoutAddress: z.string().nullable(),
  period,
});

export const meRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/me',
    summary: 'The signed-in account: deposit address, budget, balance, pending deposits',
    tags: ['me'],
    auth: 'account',
    responses: { 200: { description: 'the account', schema: meSchema } },
    handler: async ({ accountId, deps, now }) => {
      const overview = await accountOverview(accountId, { deriver: deps.deriver, chainTip: () => tipOrUndefined(deps, '/me') });
      return { status: 200, body: meView(overview, deps.chain.uriScheme, deps.config.minConfirmations, await clickPeriodAt(now)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/budget',
    summary: 'Set the monthly budget ("0" pauses giving)',
    tags: ['me'],
    auth: 'account',
    body: z.object({ monthlyBudget: coinAmount }),
    responses: {
      200: { description: 'the new budget', schema: z.strictObject({ monthlyBudget: coinAmount }) },
      400: { description: 'validation-failed, amount-invalid, amount-too-precise or amount-too-large' },
    },
    handler: async ({ accountId, body, deps }) => {
      const budget = await setMonthlyBudget(accountId, body.monthlyBudget, deps.chain);
      return { status: 200, body: { monthlyBudget: formatCoins(budget) } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/payout-address',
    summary: 'Set the address creator payouts go to',
    description: 'Checked for the configured chain; affects payouts not yet planned. The reason of a refusal is in error.details.reason.',
    tags: ['me'],
    auth: 'account',
    body: z.object({ address: z.string().max(200) }),
    responses: {
      200: { description: 'the new payout address', schema: z.strictObject({ payoutAddress: z.string() }) },
      400: { description: 'address-invalid (details.reason: bad-checksum, other-chain, own-address...) or validation-failed' },
    },
    handler: async ({ accountId, body, deps }) => {
      const address = await setPayoutAddress(accountId, body.address, { chain: deps.chain, feeAddress: deps.config.feeAddress });
      return { status: 200, body: { payoutAddress: address } };
    },
  }),
];

function meView(overview: AccountOverview, uriScheme: string, requiredConfirmations: number, currentPeriod: string): z.input<typeof meSchema> {
  return {
    id: overview.id,
    handle: overview.handle,
    depositAddress: overview.depositAddress,
    depositUri: `${uriScheme}:${overview.depositAddress}`,
    monthlyBudget: formatCoins(overview.monthlyBudget),
    balance: formatCoins(overview.balance),
    pendingDeposits: {
      total: formatCoins(overview.pendingTotal),
      requiredConfirmations,
      deposits: overview.pendingDeposits.map((deposit) => ({
        txid: deposit.txid,
        vout: deposit.vout,
        amount: formatCoins(deposit.amount),
        confirmations: deposit.confirmations ?? null,
      })),
    },
    payoutAddress: overview.payoutAddress ?? null,
    period: currentPeriod,
  };
}


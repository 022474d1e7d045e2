import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import { sendTestCoins } from '../../services/test-coins';
import { defineRoute, type Route } from '../route';
import { coinAmount } from '../schemas';

/**
 * Development only: test coins from the embedded regtest stack's faucet, for `kibble dev fund`.
 * Operator-only (the CLI reads the development operator token from DATA_DIR); on any stack other
 * than the embedded regtest one there is no faucet and the answer is 403 dev-chain-only.
 */
export const devRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/dev/fund',
    summary: 'Send test coins from the embedded regtest faucet to a handle (its deposit address) or an address',
    tags: ['dev'],
    auth: 'operator',
    body: z.object({
      to: z.string().min(1).max(100).describe("a handle (the coins go to that account's deposit address) or an address of the chain"),
      amount: coinAmount,
    }),
    responses: {
      201: {
        description: 'sent: the transaction is in the node\'s mempool; the deposit counts once it has MIN_CONFIRMATIONS',
        schema: z.strictObject({ txid: z.string(), address: z.string(), amount: coinAmount, blockSeconds: z.number().int() }),
      },
      400: { description: 'amount-invalid, amount-too-precise, amount-too-large (above 1000), address-invalid' },
      403: { description: 'dev-chain-only: not the embedded regtest stack; forbidden: not the operator' },
      404: { description: 'not-found: no account with this handle' },
      409: { description: 'insufficient-funds: the faucet holds less right now' },
    },
    handler: async ({ body, deps }) => {
      const sent = await sendTestCoins(body.to, body.amount, { faucet: deps.testCoins, chain: deps.chain, deriver: deps.deriver });
      return { status: 201, body: { txid: sent.txid, address: sent.address, amount: formatCoins(sent.amount), blockSeconds: deps.testCoins?.blockSeconds ?? 0 } };
    },
  }),
];

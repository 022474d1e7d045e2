import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import { creatorStats } from '../../services/stats';
import { defineRoute, type Route } from '../route';
import { coinAmount, period } from '../schemas';

/** A creator's numbers. Amounts are decimal coin strings. */
const statsSchema = z.strictObject({
  period,
  flattrsThisPeriod: z.number().int(),
  flattrsAllTime: z.number().int(),
  distinctSupporters: z.number().int(),
  earned: coinAmount.meta({ description: 'paid out so far' }),
  owed: coinAmount.meta({ description: 'credited by settlements, not paid yet (below dust, no payout address)' }),
  perPeriod: z.array(z.strictObject({ period, flattrs: z.number().int(), earned: coinAmount })),
});

export const statsRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/me/stats',
    summary: 'My flattrs, supporters and earnings as a creator',
    tags: ['stats'],
    auth: 'account',
    responses: { 200: { description: 'the numbers', schema: statsSchema } },
    handler: async ({ accountId, now }) => {
      const stats = await creatorStats(accountId, now);
      return {
        status: 200,
        body: {
          period: stats.period,
          flattrsThisPeriod: stats.flattrsThisPeriod,
          flattrsAllTime: stats.flattrsAllTime,
          distinctSupporters: stats.distinctSupporters,
          earned: formatCoins(stats.earned),
          owed: formatCoins(stats.owed),
          perPeriod: stats.perPeriod.map((row) => ({ period: row.period, flattrs: row.flattrs, earned: formatCoins(row.earned) })),
        },
      };
    },
  }),
];

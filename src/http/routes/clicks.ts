import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import { periodOf } from '../../money/period';
import { clicksOf, flattr } from '../../services/clicks/clicks';
import { defineRoute, type Route } from '../route';
import { coinAmount, isoTimestamp, objectId, period } from '../schemas';

/** Flattring, and what a donor's clicks of a period are worth. Amounts are decimal coin strings. */
const clickSchema = z.strictObject({
  id: objectId,
  period,
  thingId: objectId,
  at: isoTimestamp,
});

const clickValueSchema = z.strictObject({
  /** null for the click an active subscription will add at settlement. */
  id: objectId.nullable(),
  thingId: objectId,
  source: z.enum(['button', 'subscription']),
  at: isoTimestamp.nullable(),
  subscriptionId: objectId.optional(),
  value: coinAmount,
});

const periodClicksSchema = z.strictObject({
  period,
  charge: coinAmount,
  fee: coinAmount,
  clickCount: z.number().int(),
  clicks: z.array(clickValueSchema),
});

export const clickRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/things/:id/flattr',
    summary: 'Flattr a thing for the current period',
    tags: ['clicks'],
    auth: 'account',
    rateLimit: 'flattr',
    params: z.object({ id: objectId }),
    responses: {
      201: { description: 'the click', schema: clickSchema },
      403: { description: 'own-thing: nobody can flattr their own thing' },
      404: { description: 'not-found: no thing with this id' },
      409: { description: 'already-flattred: one click per thing and period' },
    },
    handler: async ({ params, accountId, deps, now }) => {
      const click = await flattr(accountId, params.id, now);
      deps.metrics?.clicks.inc();
      return { status: 201, body: { id: click.id, period: click.period, thingId: click.thingId, at: click.at.toISOString() } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/clicks',
    summary: "My clicks of a period, each with what it would be worth if the period ended now",
    description:
      'The split of min(monthly budget, balance) minus the service fee over every counted click, including one click per active subscription to a thing not clicked (listed last). The current period unless `period` is given.',
    tags: ['clicks'],
    auth: 'account',
    query: z.object({ period: period.optional() }),
    responses: { 200: { description: 'the clicks and the period totals', schema: periodClicksSchema } },
    handler: async ({ query, accountId, deps, now }) => {
      const result = await clicksOf(accountId, query.period ?? periodOf(now), deps.config.serviceFeeBps, now);
      const clicks = result.clicks.map((click) => ({
        id: click.id,
        thingId: click.thingId,
        source: click.source,
        at: click.at === null ? null : click.at.toISOString(),
        ...(click.subscriptionId === undefined ? {} : { subscriptionId: click.subscriptionId }),
        value: formatCoins(click.value),
      }));
      const { charge, fee, clickCount } = result.totals;
      return { status: 200, body: { period: result.period, charge: formatCoins(charge), fee: formatCoins(fee), clickCount, clicks } };
    },
  }),
];

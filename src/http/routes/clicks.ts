import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import type { WorthlessReason } from '../../money/flattr-worth';
import { worthlessReasonsOf } from '../../services/accounts/donor-funds';
import { clicksOf, flattr, type DonorPeriodClicks } from '../../services/clicks/clicks';
import { clickPeriodAt } from '../../services/period-closure';
import { DONOR_MONTHS_DEFAULT, DONOR_MONTHS_MAX, donorMonths } from '../../services/donor-months';
import { defineRoute, type Route } from '../route';
import { clickId, coinAmount, isoTimestamp, objectId, pageLimit, period } from '../schemas';

/** Flattring, and what a donor's clicks of a period are worth. Amounts are decimal coin strings. */
const WORTHLESS_TEXT: Readonly<Record<WorthlessReason, string>> = {
  'no-budget': 'you have no monthly budget (PUT /api/v1/me/budget)',
  'no-balance': 'your balance is zero (send coins to your deposit address, GET /api/v1/me)',
};

const clickSchema = z.strictObject({
  id: clickId,
  period,
  thingId: objectId,
  at: isoTimestamp,
  worthNothingYet: z
    .strictObject({ reasons: z.array(z.enum(['no-budget', 'no-balance'])), message: z.string() })
    .nullable()
    .meta({
      description:
        'null when the donor has a budget and a balance. Otherwise the flattr is recorded but worth nothing yet, and why: it counts if the donor sets a budget and funds it before the month is settled.',
    }),
});

const clickValueSchema = z.strictObject({
  /** null for the click an active subscription will add at settlement. */
  id: clickId.nullable(),
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

const donorMonthSchema = periodClicksSchema.extend({
  settlementState: z.string().meta({ description: "the month's settlement: open, closed, planned, signed, broadcast or confirmed" }),
  /** true: what the settlement charged; false: the estimate as if it were settled now. */
  final: z.boolean(),
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
      const reasons = await worthlessReasonsOf(accountId);
      const worthNothingYet =
        reasons.length === 0
          ? null
          : { reasons, message: `Recorded, but worth nothing yet: ${reasons.map((reason) => WORTHLESS_TEXT[reason]).join(' and ')}. It counts if you fix this before ${click.period} is settled.` };
      return { status: 201, body: { id: click.id, period: click.period, thingId: click.thingId, at: click.at.toISOString(), worthNothingYet } };
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
      const result = await clicksOf(accountId, query.period ?? (await clickPeriodAt(now)), deps.config.serviceFeeBps, now);
      return { status: 200, body: periodClicksBody(result) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/months',
    summary: 'My earlier months with flattrs, the most recent first, with what each click gave',
    description:
      "Once a month's settlement wrote its allocation (`final: true`), its charge is what the settlement took from the balance, split over that month's clicks in the settlement's order; before, the values are the estimate as if it were settled now (as in /me/clicks). The donor page shows the same figures. Months before the current one unless `before` is given; at most `limit` (default 12, at most 120).",
    tags: ['clicks'],
    auth: 'account',
    query: z.object({
      before: period.optional(),
      limit: pageLimit(DONOR_MONTHS_MAX).optional(),
    }),
    responses: { 200: { description: 'the months', schema: z.strictObject({ months: z.array(donorMonthSchema) }) } },
    handler: async ({ query, accountId, deps, now }) => {
      const months = await donorMonths(accountId, {
        before: query.before ?? (await clickPeriodAt(now)),
        limit: query.limit === undefined ? DONOR_MONTHS_DEFAULT : Number(query.limit),
        serviceFeeBps: deps.config.serviceFeeBps,
        now,
      });
      return { status: 200, body: { months: months.map((month) => ({ ...periodClicksBody(month), settlementState: month.settlementState, final: month.final })) } };
    },
  }),
];

function periodClicksBody(result: DonorPeriodClicks): z.input<typeof periodClicksSchema> {
  const clicks = result.clicks.map((click) => ({
    id: click.id,
    thingId: click.thingId,
    source: click.source,
    at: click.at === null ? null : click.at.toISOString(),
    ...(click.subscriptionId === undefined ? {} : { subscriptionId: click.subscriptionId }),
    value: formatCoins(click.value),
  }));
  const { charge, fee, clickCount } = result.totals;
  return { period: result.period, charge: formatCoins(charge), fee: formatCoins(fee), clickCount, clicks };
}

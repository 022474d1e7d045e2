import { z } from 'zod';
import { formatCoins } from '../../money/amount';
import { FIAT_CURRENCIES } from '../../money/fiat';
import { donorFiatView, setDisplayCurrency, setFiatBudget } from '../../services/accounts/fiat-settings';
import type { FiatPrice } from '../../services/prices/fiat-values';
import { defineRoute, type Route } from '../route';
import { coinAmount, isoTimestamp } from '../schemas';

/**
 * Prices and values in fiat currencies (issue 17, item 4; docs/api.md "Fiat"). Rates are exact
 * decimal strings (fiat per whole coin), values decimal strings cut (never rounded up) to the
 * currency's decimals. A price source that does not answer is a state, never an error.
 */

const currency = z.enum(FIAT_CURRENCIES);
const decimal = z.string().meta({ description: 'an exact decimal string', example: '0.1234' });
const fiatBudget = z.strictObject({ currency, amount: decimal.meta({ description: 'fiat a month, at most 2 decimals', example: '5' }) });

const priceSchema = z.strictObject({
  currency,
  status: z.enum(['available', 'unavailable']),
  rate: decimal.nullable().meta({ description: 'fiat per whole coin; null when unavailable' }),
  at: isoTimestamp.nullable(),
  ageSeconds: z.number().int().nullable(),
  source: z.string().nullable(),
  reason: z.string().nullable().meta({ description: 'why there is no price (unavailable only)' }),
});

function priceView(price: FiatPrice): z.input<typeof priceSchema> {
  return price.status === 'available'
    ? { currency: price.currency, status: 'available', rate: price.rate, at: price.at, ageSeconds: price.ageSeconds, source: price.source, reason: null }
    : { currency: price.currency, status: 'unavailable', rate: null, at: null, ageSeconds: null, source: null, reason: price.reason };
}

export const fiatRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/prices',
    summary: "The coin's current prices in fiat currencies, with their age (PRICE_SOURCE_URL, cached)",
    tags: ['prices'],
    auth: 'none',
    responses: {
      200: {
        description: 'the prices, or why there are none (status unavailable)',
        schema: z.strictObject({
          status: z.enum(['available', 'unavailable']),
          fetchedAt: isoTimestamp.nullable(),
          ageSeconds: z.number().int().nullable(),
          quotes: z.array(z.strictObject({ currency, rate: decimal, at: isoTimestamp, source: z.string() })),
          reason: z.string().nullable(),
        }),
      },
    },
    handler: async ({ deps, now }) => {
      const state = deps.prices === undefined ? { status: 'unavailable' as const, reason: 'no price source is configured (PRICE_SOURCE_URL)' } : await deps.prices.current();
      const body = state.status === 'available'
        ? { status: state.status, fetchedAt: state.fetchedAt.toISOString(), ageSeconds: Math.max(0, Math.floor((now.getTime() - state.fetchedAt.getTime()) / 1000)), quotes: state.quotes, reason: null }
        : { status: state.status, fetchedAt: null, ageSeconds: null, quotes: [], reason: state.reason };
      return { status: 200, body };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/fiat',
    summary: 'The signed-in donor in their currency: fiat budget, price, balance and budget values',
    description: 'The currency is `?currency=` when given, else the donor\'s choice (PUT /api/v1/me/currency), else their fiat budget\'s, else USD.',
    tags: ['me'],
    auth: 'account',
    query: z.strictObject({ currency: currency.optional() }),
    responses: {
      200: {
        description: 'values at the current price (null without one)',
        schema: z.strictObject({
          currency,
          chosen: z.boolean().meta({ description: 'the donor chose this currency (else it is the default)' }),
          fiatBudget: fiatBudget.nullable(),
          price: priceSchema,
          values: z.strictObject({ balance: decimal.nullable(), monthlyBudget: decimal.nullable() }),
        }),
      },
    },
    handler: async ({ accountId, query, deps, now }) => {
      const view = await donorFiatView(accountId, 'USD', deps.prices, now, query.currency);
      return {
        status: 200,
        body: { currency: view.currency, chosen: view.chosen, fiatBudget: view.fiatBudget, price: priceView(view.price), values: { balance: view.balance, monthlyBudget: view.monthlyBudget } },
      };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/fiat-budget',
    summary: 'Set the monthly budget in a fiat currency (converted at the price when the month is planned)',
    description: 'The month converts it at the price then, floored to the smallest unit; the plan records the price. PUT /api/v1/me/budget sets a budget in coins again.',
    tags: ['me'],
    auth: 'account',
    body: fiatBudget,
    responses: {
      200: {
        description: 'the new budget and its estimate in coins at the current price (null without a price)',
        schema: z.strictObject({ fiatBudget, estimate: coinAmount.nullable(), price: priceSchema }),
      },
      400: { description: 'validation-failed: an unknown currency, a malformed amount, more than 2 decimals' },
    },
    handler: async ({ accountId, body, deps, now }) => {
      const result = await setFiatBudget(accountId, body.amount, body.currency, deps.prices, now);
      return { status: 200, body: { fiatBudget: result.fiatBudget, estimate: result.estimate === null ? null : formatCoins(result.estimate), price: priceView(result.price) } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/currency',
    summary: 'Set the currency values are shown in',
    tags: ['me'],
    auth: 'account',
    body: z.strictObject({ currency }),
    responses: { 200: { description: 'the new currency', schema: z.strictObject({ currency }) }, 400: { description: 'validation-failed: an unknown currency' } },
    handler: async ({ accountId, body }) => {
      await setDisplayCurrency(accountId, body.currency);
      return { status: 200, body: { currency: body.currency } };
    },
  }),
];

import { z } from 'zod';
import { DEFAULT_LOCALE, LOCALES } from '../../i18n/locale';
import { translatorFor } from '../../i18n/translator';
import { paydays, PAYDAYS_DEFAULT, PAYDAYS_MAX } from '../../services/paydays';
import { paydaysAtom } from '../atom';
import { defineRoute, type Route } from '../route';
import { coinAmount, pageLimit, period } from '../schemas';
import { PUBLIC_JSON_HEADERS } from './reserves';

/** The public paydays: every settled month's totals, transactions and roots; nothing about any donor. */

const hash = z.string().regex(/^[0-9a-f]{64}$/);
export const paydaySchema = z.strictObject({
  period,
  donors: z.number().int().meta({ description: 'donors charged' }),
  clicks: z.number().int(),
  creatorsPaid: z.number().int(),
  charged: coinAmount,
  paid: coinAmount.meta({ description: 'paid to creators on chain' }),
  carried: coinAmount.meta({ description: 'owed to creators, carried to a later month (below dust, no payout address)' }),
  returned: coinAmount.meta({ description: 'unclaimed amounts returned to their donors' }),
  serviceFee: coinAmount,
  networkFee: coinAmount,
  txids: z.array(hash),
  allocationRoot: hash.nullable(),
  reservesRoot: hash.nullable(),
  confirmedAt: z.string(),
});

export const paydaysQuery = z.object({
  before: period.optional(),
  limit: pageLimit(PAYDAYS_MAX).optional(),
});

export const paydaysRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/paydays',
    summary: 'Every settled month: donors, clicks, creators paid, amounts, fees, transactions and roots',
    description: `Newest first, at most \`limit\` months (default ${PAYDAYS_DEFAULT}, at most ${PAYDAYS_MAX}) before \`before\`; \`next\` is the \`before\` of the next page. Aggregates only: nothing identifies a donor.`,
    tags: ['proofs'],
    auth: 'none',
    query: paydaysQuery,
    responses: { 200: { description: 'the months', schema: z.strictObject({ paydays: z.array(paydaySchema), next: period.nullable() }) } },
    handler: async ({ query }) => ({
      status: 200,
      headers: PUBLIC_JSON_HEADERS,
      body: await paydays({ ...(query.before === undefined ? {} : { before: query.before }), limit: query.limit === undefined ? PAYDAYS_DEFAULT : Number(query.limit) }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/paydays.atom',
    summary: 'The paydays as an Atom feed',
    description: 'Titles and summaries in English, or in the language `lang` names; ids, dates and links are the same in every language. The language is a query parameter, not Accept-Language, so a feed URL always reads the same.',
    tags: ['proofs'],
    auth: 'none',
    query: z.object({ lang: z.enum(LOCALES).optional().meta({ description: 'the language of the titles and summaries (default en)' }) }),
    responses: { 200: { description: 'Atom 1.0', schema: z.string(), contentType: 'application/atom+xml' } },
    handler: async ({ deps, now, query }) => {
      const page = await paydays({ limit: PAYDAYS_DEFAULT });
      return {
        status: 200,
        contentType: 'application/atom+xml',
        headers: PUBLIC_JSON_HEADERS,
        body: paydaysAtom(page.paydays, { baseUrl: deps.config.publicUrl, now, ticker: deps.chain.ticker, tr: translatorFor(query.lang ?? DEFAULT_LOCALE) }),
      };
    },
  }),
];

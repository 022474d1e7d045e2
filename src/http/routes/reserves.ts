import { z } from 'zod';
import { reservesProofSchema } from '../../proofs/reserves-proof';
import { publishedReservesSchema } from '../../proofs/reserves-snapshot';
import { latestPublished, reservesProofFor } from '../../services/reserves/reserves';
import { defineRoute, type Route } from '../route';

/**
 * Proof of reserves (docs/proofs.md, "Reserves publication"): the published snapshot, open to any
 * site (CORS) and cacheable, and each user's own inclusion proof.
 */

/** Public and the same for everyone: any origin may read it, caches may keep it a minute. */
export const PUBLIC_JSON_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Cache-Control': 'public, max-age=60',
  'Cross-Origin-Resource-Policy': 'cross-origin',
} as const;

const snapshotId = z.string().regex(/^[\x21-\x7e]{1,64}$/, 'must be a snapshot id such as 2026-11 or h12345');

export const reservesRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/reserves',
    summary: 'The latest proof of reserves (or an older snapshot): liabilities root and total, the unspent outputs',
    description:
      'Amounts are in smallest units (decimal strings), as in the proofs. Check it with `kibble verify-reserves <file> --rpc <node>`. ' +
      'Published after each confirmed settlement (snapshot id = the month) and on demand (`h<height>`).',
    tags: ['proofs'],
    auth: 'none',
    query: z.object({ snapshot: snapshotId.optional() }),
    responses: {
      200: { description: 'the published snapshot', schema: publishedReservesSchema },
      404: { description: 'not-found: nothing published yet, or no such snapshot' },
    },
    handler: async ({ query }) => ({ status: 200, headers: PUBLIC_JSON_HEADERS, body: await latestPublished(query.snapshot) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/reserves-proof',
    summary: 'My inclusion proof in the latest proof of reserves (or an older snapshot)',
    description:
      'The proof of your donor leaf (your balance) by default, or of your creator leaf (what kibble owes you) with `as=creator`; ' +
      'when you have no donor leaf, the creator leaf. Check it with `kibble verify-reserves <published> --proof <this file>`.',
    tags: ['proofs'],
    auth: 'account',
    query: z.object({ snapshot: snapshotId.optional(), as: z.enum(['donor', 'creator']).optional() }),
    responses: {
      200: { description: 'the proof (docs/proofs.md)', schema: reservesProofSchema },
      404: { description: 'not-found: nothing published yet, or kibble owed you nothing when the snapshot was taken' },
    },
    handler: async ({ accountId, query }) => ({
      status: 200,
      body: await reservesProofFor(accountId, { ...(query.as === undefined ? {} : { role: query.as }), ...(query.snapshot === undefined ? {} : { snapshot: query.snapshot }) }),
    }),
  }),
];

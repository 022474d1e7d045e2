import { z } from 'zod';
import { allocationProofSchema } from '../../proofs/proof-format';
import { allocationProofFor } from '../../services/settlement/allocation-proofs';
import { tipOrUndefined } from '../chain-tip';
import { defineRoute, type Route } from '../route';
import { period } from '../schemas';

/** The proof file's name, the same from the API and the pages' download link. */
export function proofFilename(month: string): string {
  return `kibble-proof-${month}.json`;
}

/**
 * The signed-in account's allocation proof of a month (docs/proofs.md): their own leaves of the
 * month's committed tree, verifiable without kibble by `npx kibble verify-proof <file> --rpc`.
 */
export const proofRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/me/proofs/:period',
    summary: "Your allocation proof of a settled month, to check against the chain",
    description:
      "A donor gets each of their (creator, amount) allocations with their own salt; a creator each allocation paid to them with the donor's commitment only; an account that did both gets both. " +
      'With the Merkle paths, the month\'s root and the transaction output (`txid`, `vout`) whose OP_RETURN carries it, and its `confirmations` when issued. ' +
      'Sent as a download (Content-Disposition: attachment; filename kibble-proof-<period>.json). Check it with `npx kibble verify-proof <file> --rpc <node URL>` (docs/proofs.md).',
    tags: ['me'],
    auth: 'account',
    params: z.object({ period }),
    responses: {
      200: { description: 'the proof (docs/proofs.md, version 1)', schema: allocationProofSchema },
      404: { description: 'proof-not-found: you have no allocation that month (or the month has none)' },
      409: { description: 'proof-not-committed: the month is not settled or signed yet, or it paid nothing on chain so no transaction carries its root' },
    },
    handler: async ({ accountId, params, deps }) => {
      const proof = await allocationProofFor(params.period, accountId, { tip: await tipOrUndefined(deps, 'a proof') });
      return { status: 200, headers: { 'Content-Disposition': `attachment; filename="${proofFilename(params.period)}"` }, body: proof };
    },
  }),
];

import { z } from 'zod';
import { isKibbleError, KibbleError, type ErrorCode } from '../errors';
import { parseDocument } from './document';
import { bytesEqual, fromHex, IDENTIFIER, toHex, UINT128_MAX, UINT32_MAX } from './encoding';
import { reservesAccountCommitment, sumPath, sumRootFromPath, type SumTree } from './sum-tree';

/**
 * A user's inclusion proof in a proof-of-reserves snapshot (docs/proofs.md, "Sum tree"), version
 * 1: their leaf (account and salt, or only the commitment), its index and the siblings' (hash,
 * sum) up to the published root and total.
 */

export const RESERVES_PROOF_KIND = 'kibble-reserves-proof';

const hash32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');
const identifier = z.string().regex(IDENTIFIER, 'must be 1 to 64 printable ASCII characters without spaces');
/** Non-negative by its form: a "-" can never reach the arithmetic. */
const units = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,38})$/, 'must be a whole number >= 0 of smallest units, as a decimal string')
  .refine((text) => BigInt(text) <= UINT128_MAX, 'must fit an unsigned 128-bit integer');
const nodeSchema = z.strictObject({ hash: hash32, sum: units });

export const reservesProofSchema = z.strictObject({
  kind: z.literal(RESERVES_PROOF_KIND),
  version: z.literal(1),
  snapshot: identifier,
  root: hash32,
  total: units,
  leafCount: z.number().int().min(1).max(UINT32_MAX),
  leaf: z.union([
    z.strictObject({ account: identifier, salt: hash32, amount: units }),
    z.strictObject({ commitment: hash32, amount: units }),
  ]),
  index: z.number().int().nonnegative(),
  path: z.array(nodeSchema).max(32),
});

export type ReservesProofJson = z.infer<typeof reservesProofSchema>;

export interface ProvenLiability {
  snapshot: string;
  root: string;
  total: bigint;
  /** Present when the proof shows the account (its owner's own proof). */
  account?: string;
  amount: bigint;
}

export type ReservesVerdict = { valid: true; proves: ProvenLiability } | { valid: false; code: ErrorCode; reason: string; message: string };

/** The proof of the leaf at `index` of the tree; `account` and `salt` reveal whose it is. */
export function reservesProofJson(tree: SumTree, index: number, owner?: { account: string; salt: Uint8Array }): ReservesProofJson {
  const leaf = tree.leaves[index];
  if (leaf === undefined) throw new KibbleError('tree-invalid', `leaf index ${index} is outside the tree's ${tree.leaves.length} leaves`);
  if (owner !== undefined && !bytesEqual(reservesAccountCommitment(owner.salt, owner.account), leaf.commitment)) {
    throw new KibbleError('tree-invalid', `leaf ${index} is not the account ${owner.account}'s`);
  }
  return {
    kind: RESERVES_PROOF_KIND,
    version: 1,
    snapshot: tree.snapshot,
    root: toHex(tree.root.hash),
    total: tree.root.sum.toString(),
    leafCount: tree.leaves.length,
    leaf: owner === undefined ? { commitment: toHex(leaf.commitment), amount: leaf.amount.toString() } : { account: owner.account, salt: toHex(owner.salt), amount: leaf.amount.toString() },
    index,
    path: sumPath(tree, index).map((node) => ({ hash: toHex(node.hash), sum: node.sum.toString() })),
  };
}

/**
 * Checks that the leaf is in the tree whose root and total the proof states (and, when given,
 * that these are the published ones): every sum on the way is recomputed and never negative.
 */
export function verifyReservesProof(proofJson: unknown, published?: { root: string; total: bigint }): ReservesVerdict {
  try {
    return { valid: true, proves: checkReservesProof(proofJson, published) };
  } catch (error) {
    if (!isKibbleError(error)) throw error;
    const reason = typeof error.details?.['reason'] === 'string' ? error.details['reason'] : error.code;
    return { valid: false, code: error.code, reason, message: error.message };
  }
}

function checkReservesProof(proofJson: unknown, published: { root: string; total: bigint } | undefined): ProvenLiability {
  const proof = parseDocument(reservesProofSchema, proofJson, { code: 'proof-invalid', kind: 'reserves proof', whole: 'the proof' });
  const amount = BigInt(proof.leaf.amount);
  const commitment = 'commitment' in proof.leaf ? fromHex('commitment', proof.leaf.commitment, 32) : reservesAccountCommitment(fromHex('salt', proof.leaf.salt, 32), proof.leaf.account);
  const path = proof.path.map((node) => ({ hash: fromHex('path hash', node.hash, 32), sum: BigInt(node.sum) }));
  const root = sumRootFromPath(proof.snapshot, { commitment, amount }, proof.index, proof.leafCount, path);
  const mismatch = (message: string): KibbleError => new KibbleError('proof-mismatch', message, { reason: 'root-mismatch' });
  if (toHex(root.hash) !== proof.root || root.sum.toString() !== proof.total) {
    throw mismatch(`the leaf and path lead to root ${toHex(root.hash)} with total ${root.sum}, the proof states ${proof.root} with ${proof.total}`);
  }
  if (published !== undefined && (published.root !== proof.root || published.total !== root.sum)) {
    throw mismatch(`the proof is for root ${proof.root} (total ${proof.total}), the published snapshot is ${published.root} (total ${published.total})`);
  }
  return { snapshot: proof.snapshot, root: proof.root, total: root.sum, ...('account' in proof.leaf ? { account: proof.leaf.account } : {}), amount };
}

import { z } from 'zod';
import { KibbleError } from '../errors';
import { parsePeriod } from '../money/period';
import type { AllocationLeaf, AllocationTree, DonorSide } from './allocation-tree';
import { allocationPath } from './allocation-tree';
import { fromHex, IDENTIFIER, toHex, UINT32_MAX, UINT64_MAX } from './encoding';

/**
 * The self-contained allocation proof a donor or creator downloads (docs/proofs.md, "Proof
 * JSON"), version 1. Amounts are decimal strings of the smallest unit (koinu), hashes lower-case
 * hex in the order they are hashed (not reversed, except the txid, which is the usual display hex).
 */

export const ALLOCATION_PROOF_KIND = 'kibble-allocation-proof';
/** More leaves than any one account can have in a month; a bound against absurd files. */
const MAX_PROOF_LEAVES = 100_000;
/** A tree of 2^32 leaves needs 32; more is never a path. */
const MAX_PATH = 32;

const hash32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');
const identifier = z.string().regex(IDENTIFIER, 'must be 1 to 64 printable ASCII characters without spaces');
const amount = z
  .string()
  .regex(/^[1-9][0-9]{0,19}$/, 'must be a positive whole number of smallest units, as a decimal string')
  .refine((text) => BigInt(text) <= UINT64_MAX, 'must fit an unsigned 64-bit integer');
const period = z.string().refine((text) => {
  try {
    parsePeriod(text);
    return true;
  } catch {
    return false;
  }
}, "must be a UTC month 'YYYY-MM'");

const donorSchema = z.union([z.strictObject({ id: identifier, salt: hash32 }), z.strictObject({ commitment: hash32 })]);

const leafSchema = z.strictObject({
  creator: identifier,
  amount,
  donor: donorSchema,
  index: z.number().int().nonnegative(),
  path: z.array(hash32).max(MAX_PATH),
});

export const allocationProofSchema = z.strictObject({
  kind: z.literal(ALLOCATION_PROOF_KIND),
  version: z.literal(1),
  period,
  /** The transaction whose OP_RETURN output carries the root. */
  txid: hash32,
  /** The allocation root the leaves lead to (also in the transaction). */
  root: hash32,
  leafCount: z.number().int().min(1).max(UINT32_MAX),
  leaves: z.array(leafSchema).min(1).max(MAX_PROOF_LEAVES),
});

export type AllocationProofJson = z.infer<typeof allocationProofSchema>;

export interface ProofLeaf {
  creator: string;
  amount: bigint;
  donor: DonorSide;
  index: number;
  path: Uint8Array[];
}

export interface AllocationProof {
  period: string;
  txid: string;
  root: Uint8Array;
  leafCount: number;
  leaves: ProofLeaf[];
}

/** Validates a parsed JSON document; throws proof-invalid naming the first bad field. */
export function parseAllocationProof(json: unknown): AllocationProof {
  const parsed = allocationProofSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'the proof' : issue.path.join('.');
    throw new KibbleError('proof-invalid', `not a kibble allocation proof (version 1): ${where}: ${issue?.message ?? 'invalid'}`, { path: where });
  }
  const proof = parsed.data;
  return {
    period: proof.period,
    txid: proof.txid,
    root: fromHex('root', proof.root, 32),
    leafCount: proof.leafCount,
    leaves: proof.leaves.map((leaf) => ({
      creator: leaf.creator,
      amount: BigInt(leaf.amount),
      donor: 'commitment' in leaf.donor ? { commitment: fromHex('donor commitment', leaf.donor.commitment, 32) } : { id: leaf.donor.id, salt: fromHex('salt', leaf.donor.salt, 32) },
      index: leaf.index,
      path: leaf.path.map((hex) => fromHex('path element', hex, 32)),
    })),
  };
}

/**
 * The proof of some leaves of a tree, for the transaction `txid` that committed its root. A leaf
 * the `reveal` function names `donor` shows the donor's id and salt (the donor's own proof);
 * `commitment` shows only the donor commitment (a creator's proof); `skip` leaves it out.
 */
export function allocationProofJson(tree: AllocationTree, txid: string, reveal: (leaf: AllocationLeaf) => 'donor' | 'commitment' | 'skip'): AllocationProofJson {
  const leaves = tree.leaves.flatMap((leaf, index) => {
    const shown = reveal(leaf);
    if (shown === 'skip') return [];
    const donor = shown === 'donor' && 'id' in leaf.donor ? { id: leaf.donor.id, salt: toHex(leaf.donor.salt) } : { commitment: toHex(leaf.donorCommitment) };
    if (shown === 'donor' && !('id' in leaf.donor)) throw new KibbleError('tree-invalid', 'this tree was built from commitments only: it cannot reveal a donor');
    return [{ creator: leaf.creator, amount: leaf.amount.toString(), donor, index, path: allocationPath(tree, index).map(toHex) }];
  });
  if (leaves.length === 0) throw new KibbleError('not-found', `no leaf of ${tree.period} matches`);
  return { kind: ALLOCATION_PROOF_KIND, version: 1, period: tree.period, txid, root: toHex(tree.root), leafCount: tree.leaves.length, leaves };
}

/** A donor's proof: every leaf of theirs, with their id and salt. */
export function donorProofJson(tree: AllocationTree, txid: string, donor: string): AllocationProofJson {
  return allocationProofJson(tree, txid, (leaf) => ('id' in leaf.donor && leaf.donor.id === donor ? 'donor' : 'skip'));
}

/** A creator's proof: every leaf paying them, donors shown only as commitments. */
export function creatorProofJson(tree: AllocationTree, txid: string, creator: string): AllocationProofJson {
  return allocationProofJson(tree, txid, (leaf) => (leaf.creator === creator ? 'commitment' : 'skip'));
}

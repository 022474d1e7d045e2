import { z } from 'zod';
import { KibbleError } from '../errors';
import { parseDocument } from './document';
import { parsePeriod } from '../money/period';
import type { AllocationLeaf, AllocationTree, DonorSide } from './allocation-tree';
import { allocationLeafAt, allocationLeaves, allocationPath } from './allocation-tree';
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
/** A UTC month 'YYYY-MM', as every proof format writes it. */
export const periodText = z.string().refine((text) => {
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
  period: periodText,
  /** The transaction whose OP_RETURN output carries the root. */
  txid: hash32,
  /** Optional: the output of `txid` that carries it (checked when given). */
  vout: z.number().int().nonnegative().max(UINT32_MAX).optional(),
  /** Optional, informative: the transaction's confirmations when the service issued the proof (not checked: ask a node). */
  confirmations: z.number().int().nonnegative().optional(),
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
  vout?: number;
  root: Uint8Array;
  leafCount: number;
  leaves: ProofLeaf[];
}

/** Validates a parsed JSON document; throws proof-invalid naming the first bad field. */
export function parseAllocationProof(json: unknown): AllocationProof {
  const proof = parseDocument(allocationProofSchema, json, { code: 'proof-invalid', kind: 'allocation proof', whole: 'the proof' });
  return {
    period: proof.period,
    txid: proof.txid,
    ...(proof.vout === undefined ? {} : { vout: proof.vout }),
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

type Shown = 'donor' | 'commitment';

function proofLeaf(tree: AllocationTree, position: number, shown: Shown): AllocationProofJson['leaves'][number] {
  const leaf = allocationLeafAt(tree, position);
  if (shown === 'donor' && !('id' in leaf.donor)) throw new KibbleError('tree-invalid', 'this tree was built from commitments only: it cannot reveal a donor');
  const donor = shown === 'donor' && 'id' in leaf.donor ? { id: leaf.donor.id, salt: toHex(leaf.donor.salt) } : { commitment: toHex(leaf.donorCommitment) };
  return { creator: leaf.creator, amount: leaf.amount.toString(), donor, index: position, path: allocationPath(tree, position).map(toHex) };
}

/** The proof of the leaves at the given sorted positions (ascending), each shown as `shown`. */
export function allocationProofAt(tree: AllocationTree, txid: string, positions: readonly number[], shown: Shown): AllocationProofJson {
  if (positions.length === 0) throw new KibbleError('not-found', `no leaf of ${tree.period} matches`);
  const leaves = positions.map((position) => proofLeaf(tree, position, shown));
  return { kind: ALLOCATION_PROOF_KIND, version: 1, period: tree.period, txid, root: toHex(tree.root), leafCount: tree.leafCount, leaves };
}

/**
 * The proof of the leaves the `reveal` function picks, looking at every leaf (for tests and small
 * trees; one account's proof goes through the tree's index instead). `donor` shows the donor's id
 * and salt (the donor's own proof); `commitment` only the donor commitment; `skip` leaves it out.
 */
export function allocationProofJson(tree: AllocationTree, txid: string, reveal: (leaf: AllocationLeaf) => Shown | 'skip'): AllocationProofJson {
  const picked = allocationLeaves(tree).flatMap((leaf, position) => {
    const shown = reveal(leaf);
    return shown === 'skip' ? [] : [{ position, shown }];
  });
  if (picked.length === 0) throw new KibbleError('not-found', `no leaf of ${tree.period} matches`);
  const leaves = picked.map(({ position, shown }) => proofLeaf(tree, position, shown));
  return { kind: ALLOCATION_PROOF_KIND, version: 1, period: tree.period, txid, root: toHex(tree.root), leafCount: tree.leafCount, leaves };
}

/** A donor's proof: every leaf of theirs, with their id and salt; found through the tree's index, O(k log n). */
export function donorProofJson(tree: AllocationTree, txid: string, donor: string): AllocationProofJson {
  return allocationProofAt(tree, txid, tree.byDonor.get(donor) ?? [], 'donor');
}

/** A creator's proof: every leaf paying them, donors shown only as commitments; found through the index. */
export function creatorProofJson(tree: AllocationTree, txid: string, creator: string): AllocationProofJson {
  return allocationProofAt(tree, txid, tree.byCreator.get(creator) ?? [], 'commitment');
}

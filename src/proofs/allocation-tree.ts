import { KibbleError } from '../errors';
import { identifierBytes, periodBytes, sortByHash, taggedHash, toHex, uint32le, uintLe } from './encoding';
import { buildLevels, foldPath, siblingsOf } from './tree-shape';

/**
 * The allocation tree of a settled month (docs/proofs.md): one leaf per (donor, creator) pair that
 * the month moved money between, committing to the period, the creator, the amount and a salted
 * hash of the donor. Its root goes on chain in the settlement's OP_RETURN output.
 */

export const ALLOCATION_TAGS = {
  donor: 'kibble/v1/allocation/donor',
  leaf: 'kibble/v1/allocation/leaf',
  node: 'kibble/v1/allocation/node',
  root: 'kibble/v1/allocation/root',
} as const;

export const SALT_BYTES = 32;

/** Who gave: the donor's id and salt (the donor's own view), or only their commitment (anyone else's). */
export type DonorSide = { id: string; salt: Uint8Array } | { commitment: Uint8Array };

export interface AllocationInput {
  creator: string;
  /** Smallest units, > 0. */
  amount: bigint;
  donor: DonorSide;
}

export interface AllocationLeaf extends AllocationInput {
  donorCommitment: Uint8Array;
  hash: Uint8Array;
}

export interface AllocationTree {
  period: string;
  /** Sorted by leaf hash: the order the tree is built in. */
  leaves: AllocationLeaf[];
  levels: Uint8Array[][];
  root: Uint8Array;
}

/**
 * H_donor(salt || donor id || creator id). The creator id is in it so that two creators comparing
 * the commitments in their proofs cannot tell that the same donor supported both.
 */
export function donorCommitment(salt: Uint8Array, donor: string, creator: string): Uint8Array {
  if (salt.length !== SALT_BYTES) throw new KibbleError('tree-invalid', `a salt is ${SALT_BYTES} bytes, got ${salt.length}`);
  return taggedHash(ALLOCATION_TAGS.donor, salt, identifierBytes('donor id', donor), identifierBytes('creator id', creator));
}

export function donorCommitmentOf(input: AllocationInput): Uint8Array {
  const { donor } = input;
  if ('commitment' in donor) {
    if (donor.commitment.length !== 32) throw new KibbleError('tree-invalid', 'a donor commitment is 32 bytes');
    return donor.commitment;
  }
  return donorCommitment(donor.salt, donor.id, input.creator);
}

/** The leaf preimage: period (7) || creator (1 + n) || amount (u64 LE) || donor commitment (32). */
export function allocationLeafBytes(period: string, creator: string, amount: bigint, commitment: Uint8Array): Uint8Array {
  if (amount <= 0n) throw new KibbleError('tree-invalid', `an allocation amount must be positive, got ${amount}`);
  return Buffer.concat([periodBytes(period), identifierBytes('creator id', creator), uintLe(amount, 8), commitment]);
}

export function allocationLeaf(period: string, input: AllocationInput): AllocationLeaf {
  const commitment = donorCommitmentOf(input);
  const hash = taggedHash(ALLOCATION_TAGS.leaf, allocationLeafBytes(period, input.creator, input.amount, commitment));
  return { ...input, donorCommitment: commitment, hash };
}

export function allocationNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return taggedHash(ALLOCATION_TAGS.node, left, right);
}

/** H_root(period || leaf count (u32 LE) || top node): binds the period and the tree's shape. */
export function allocationRoot(period: string, leafCount: number, top: Uint8Array): Uint8Array {
  return taggedHash(ALLOCATION_TAGS.root, periodBytes(period), uint32le(leafCount), top);
}

export function buildAllocationTree(period: string, inputs: readonly AllocationInput[]): AllocationTree {
  if (inputs.length === 0) throw new KibbleError('tree-invalid', `the allocation tree of ${period} has no leaves: a month without allocations commits nothing`);
  const leaves = sortByHash(inputs.map((input) => allocationLeaf(period, input)), (leaf) => {
    throw new KibbleError('tree-invalid', `two allocations of ${period} have the same leaf (creator ${leaf.creator}, amount ${leaf.amount}): one (donor, creator) pair is one leaf`, { reason: 'duplicate-leaf', leaf: toHex(leaf.hash) });
  });
  const levels = buildLevels(leaves.map((leaf) => leaf.hash), allocationNode);
  const top = levels[levels.length - 1]?.[0] as Uint8Array;
  return { period, leaves, levels, root: allocationRoot(period, leaves.length, top) };
}

/** The path of the leaf at `index` (in the tree's sorted order). */
export function allocationPath(tree: AllocationTree, index: number): Uint8Array[] {
  return siblingsOf(tree.levels, index);
}

/** The root a leaf and its path lead to; throws proof-mismatch when the path has the wrong length. */
export function allocationRootFromPath(period: string, leafHash: Uint8Array, index: number, leafCount: number, path: readonly Uint8Array[]): Uint8Array {
  return allocationRoot(period, leafCount, foldPath(leafHash, index, leafCount, path, allocationNode));
}

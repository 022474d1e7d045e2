import { KibbleError } from '../errors';
import { identifierBytes, periodBytes, taggedHash, toHex, UINT32_MAX, uint32le, uintLe } from './encoding';
import { allocationLeafHashes } from './allocation-leaf-hashes';
import { buildHashLevels, hashAt, hashLevelSiblings, sortedOrder } from './flat-hashes';
import { foldPath } from './tree-shape';

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

/**
 * A built tree, kept flat so that a month of a million leaves is a few buffers rather than
 * millions of objects: each level is one Buffer of 32-byte hashes side by side, the leaves are the
 * caller's inputs seen through `order`, and the indexes find one account's leaves without a scan.
 */
export interface AllocationTree {
  period: string;
  leafCount: number;
  /** The inputs, in the caller's order; `order[position]` is the input at a sorted position. */
  inputs: readonly AllocationInput[];
  order: Uint32Array;
  /** levels[0]: the leaf hashes sorted ascending; each next level half as wide; the last holds the top node. */
  levels: Buffer[];
  root: Uint8Array;
  /** Sorted positions (ascending) of each donor's leaves; only donors given with id and salt. */
  byDonor: ReadonlyMap<string, readonly number[]>;
  /** Sorted positions (ascending) of each creator's leaves. */
  byCreator: ReadonlyMap<string, readonly number[]>;
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
  if (inputs.length > UINT32_MAX) throw new KibbleError('tree-invalid', `the allocation tree of ${period} has more than ${UINT32_MAX} leaves`);
  const hashes = allocationLeafHashes(period, inputs, ALLOCATION_TAGS);
  const order = sortedOrder(hashes, (index) => {
    const input = inputs[index] as AllocationInput;
    throw new KibbleError('tree-invalid', `two allocations of ${period} have the same leaf (creator ${input.creator}, amount ${input.amount}): one (donor, creator) pair is one leaf`, { reason: 'duplicate-leaf', leaf: toHex(hashes.subarray(index * 32, index * 32 + 32)) });
  });
  const leafLevel = Buffer.allocUnsafeSlow(hashes.length); // every byte is copied below
  for (let position = 0; position < order.length; position++) {
    const index = order[position] as number;
    hashes.copy(leafLevel, position * 32, index * 32, index * 32 + 32);
  }
  const levels = buildHashLevels(leafLevel, ALLOCATION_TAGS.node);
  const top = (levels[levels.length - 1] as Buffer).subarray(0, 32);
  const { byDonor, byCreator } = indexPositions(inputs, order);
  return { period, leafCount: inputs.length, inputs, order, levels, root: allocationRoot(period, inputs.length, top), byDonor, byCreator };
}

/** The inputs' sorted positions by donor and by creator, built in one pass in position order. */
function indexPositions(inputs: readonly AllocationInput[], order: Uint32Array): { byDonor: Map<string, number[]>; byCreator: Map<string, number[]> } {
  const byDonor = new Map<string, number[]>();
  const byCreator = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, position: number): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [position]);
    else list.push(position);
  };
  for (let position = 0; position < order.length; position++) {
    const input = inputs[order[position] as number] as AllocationInput;
    if ('id' in input.donor) add(byDonor, input.donor.id, position);
    add(byCreator, input.creator, position);
  }
  return { byDonor, byCreator };
}

/** The leaf at a sorted position, with its donor commitment and hash. */
export function allocationLeafAt(tree: AllocationTree, position: number): AllocationLeaf {
  if (!Number.isSafeInteger(position) || position < 0 || position >= tree.leafCount) {
    throw new KibbleError('tree-invalid', `leaf index ${position} is outside the tree's ${tree.leafCount} leaves`);
  }
  const input = tree.inputs[tree.order[position] as number] as AllocationInput;
  return { ...input, donorCommitment: donorCommitmentOf(input), hash: hashAt(tree.levels[0] as Buffer, position) };
}

/** Every leaf in sorted order (for small trees: the worked example, tests). */
export function allocationLeaves(tree: AllocationTree): AllocationLeaf[] {
  return Array.from({ length: tree.leafCount }, (_, position) => allocationLeafAt(tree, position));
}

/** Every level as a list of hashes (for small trees: the worked example, tests). */
export function allocationLevels(tree: AllocationTree): Uint8Array[][] {
  return tree.levels.map((level) => Array.from({ length: level.length / 32 }, (_, i) => hashAt(level, i)));
}

/** The path of the leaf at a sorted position: one sibling per level where it has one, O(log n). */
export function allocationPath(tree: AllocationTree, position: number): Uint8Array[] {
  return hashLevelSiblings(tree.levels, position);
}

/** The root a leaf and its path lead to; throws proof-mismatch when the path has the wrong length. */
export function allocationRootFromPath(period: string, leafHash: Uint8Array, index: number, leafCount: number, path: readonly Uint8Array[]): Uint8Array {
  return allocationRoot(period, leafCount, foldPath(leafHash, index, leafCount, path, allocationNode));
}

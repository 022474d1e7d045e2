import { KibbleError } from '../errors';
import { bytesEqual, identifierBytes, sortByHash, taggedHash, toHex, uint32le, uintLe, UINT128_MAX } from './encoding';
import { SALT_BYTES } from './allocation-tree';
import { buildLevels, foldPath, siblingsOf } from './tree-shape';

/**
 * The Merkle-sum tree of a proof of reserves (docs/proofs.md, "Sum tree"): one leaf per liability
 * (a donor's balance, a creator's amount owed, the platform's unpaid fee), each node carrying the
 * sum of the amounts below it. A node's hash covers both children's sums, not only their total:
 * with the total alone an operator could shift value between siblings and shrink what it owes
 * (the flaw found in Maxwell's original proposal).
 */

export const RESERVES_TAGS = {
  account: 'kibble/v1/reserves/account',
  leaf: 'kibble/v1/reserves/leaf',
  node: 'kibble/v1/reserves/node',
  root: 'kibble/v1/reserves/root',
} as const;

export interface SumNode {
  hash: Uint8Array;
  /** Smallest units, never negative. */
  sum: bigint;
}

export interface LiabilityInput {
  /** The salted account commitment (reservesAccountCommitment). */
  commitment: Uint8Array;
  /** Smallest units, >= 0. */
  amount: bigint;
}

export interface SumTree {
  snapshot: string;
  /** Sorted by leaf hash. */
  leaves: (LiabilityInput & SumNode)[];
  levels: SumNode[][];
  root: SumNode;
}

/** H_account(salt || account id): the leaf shows neither whose it is nor, to others, how much. */
export function reservesAccountCommitment(salt: Uint8Array, account: string): Uint8Array {
  if (salt.length !== SALT_BYTES) throw new KibbleError('tree-invalid', `a salt is ${SALT_BYTES} bytes, got ${salt.length}`);
  return taggedHash(RESERVES_TAGS.account, salt, identifierBytes('account id', account));
}

function checkAmount(what: string, amount: bigint): void {
  if (amount < 0n) throw new KibbleError('tree-invalid', `${what} is negative (${amount}): a liability can never be`, { reason: 'negative-amount' });
  if (amount > UINT128_MAX) throw new KibbleError('tree-invalid', `${what} exceeds 2^128 - 1`, { reason: 'sum-overflow' });
}

/** H_leaf(commitment || amount (u128 LE)); the leaf's sum is its amount. */
export function sumLeaf(input: LiabilityInput): SumNode {
  checkAmount('a leaf amount', input.amount);
  if (input.commitment.length !== 32) throw new KibbleError('tree-invalid', 'an account commitment is 32 bytes');
  return { hash: taggedHash(RESERVES_TAGS.leaf, input.commitment, uintLe(input.amount, 16)), sum: input.amount };
}

/** H_node(left hash || left sum || right hash || right sum), sum = left sum + right sum. */
export function sumNode(left: SumNode, right: SumNode): SumNode {
  checkAmount('a node sum', left.sum);
  checkAmount('a node sum', right.sum);
  const sum = left.sum + right.sum;
  checkAmount('a node sum', sum);
  return { hash: taggedHash(RESERVES_TAGS.node, left.hash, uintLe(left.sum, 16), right.hash, uintLe(right.sum, 16)), sum };
}

/** H_root(snapshot id || leaf count (u32 LE) || top hash || total (u128 LE)); the total is the top's sum. */
export function sumRoot(snapshot: string, leafCount: number, top: SumNode): SumNode {
  checkAmount('the total', top.sum);
  return { hash: taggedHash(RESERVES_TAGS.root, identifierBytes('snapshot id', snapshot), uint32le(leafCount), top.hash, uintLe(top.sum, 16)), sum: top.sum };
}

/** An empty snapshot (nothing owed) has the all-zero top node and total 0. */
const EMPTY_TOP: SumNode = { hash: new Uint8Array(32), sum: 0n };

export function buildSumTree(snapshot: string, inputs: readonly LiabilityInput[]): SumTree {
  const leaves = sortByHash(inputs.map((input) => ({ ...input, ...sumLeaf(input) })), (leaf) => {
    throw new KibbleError('tree-invalid', 'two liabilities have the same leaf: each account is one leaf', { reason: 'duplicate-leaf', leaf: toHex(leaf.hash) });
  });
  const levels = buildLevels<SumNode>(leaves.map(({ hash, sum }) => ({ hash, sum })), sumNode);
  const top = levels[levels.length - 1]?.[0] ?? EMPTY_TOP;
  return { snapshot, leaves, levels, root: sumRoot(snapshot, leaves.length, top) };
}

/**
 * Checks a whole published tree level by level: every node must be exactly the combination of
 * its children (or the carried-up odd node), with no negative sum anywhere. Throws tree-invalid
 * naming the first bad node; returns the root.
 */
export function checkSumTree(snapshot: string, levels: readonly (readonly SumNode[])[]): SumNode {
  const leaves = levels[0] ?? [];
  leaves.forEach((leaf, index) => checkAmount(`leaf ${index}`, leaf.sum));
  const rebuilt = buildLevels<SumNode>(leaves, sumNode);
  if (rebuilt.length !== levels.length) {
    throw new KibbleError('tree-invalid', `a tree of ${leaves.length} leaves has ${rebuilt.length} levels, not ${levels.length}`, { reason: 'inconsistent-node' });
  }
  rebuilt.forEach((level, depth) => {
    const given = levels[depth] ?? [];
    if (given.length !== level.length) throw new KibbleError('tree-invalid', `level ${depth} has ${given.length} nodes, not ${level.length}`, { reason: 'inconsistent-node', level: depth });
    level.forEach((node, index) => {
      const stated = given[index] as SumNode;
      checkAmount(`node ${index} of level ${depth}`, stated.sum);
      if (stated.sum !== node.sum || !bytesEqual(stated.hash, node.hash)) {
        throw new KibbleError('tree-invalid', `node ${index} of level ${depth} is not the combination of its children`, { reason: 'inconsistent-node', level: depth, index });
      }
    });
  });
  return sumRoot(snapshot, leaves.length, rebuilt[rebuilt.length - 1]?.[0] ?? EMPTY_TOP);
}

export function sumPath(tree: SumTree, index: number): SumNode[] {
  return siblingsOf(tree.levels, index);
}

/**
 * The root (hash and total) a leaf and its path lead to. Every sibling's sum is checked on the
 * way (never negative), so a verified path shows that no part of the total was offset by a
 * negative amount hidden elsewhere in the tree.
 */
export function sumRootFromPath(snapshot: string, leaf: LiabilityInput, index: number, leafCount: number, path: readonly SumNode[]): SumNode {
  return sumRoot(snapshot, leafCount, foldPath(sumLeaf(leaf), index, leafCount, path, sumNode));
}

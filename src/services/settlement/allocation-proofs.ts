import { KibbleError } from '../../errors';
import type { AllocationTree } from '../../proofs/allocation-tree';
import { ALLOCATION_PROOF_KIND, allocationProofAt, type AllocationProofJson } from '../../proofs/proof-format';
import { confirmationsAt } from '../wallet-watch/crediting';
import { allocationTreeOf, committedMonth } from './commitment';
import { findSettlement, type Settlement } from './settlement-store';

/**
 * Personal allocation proofs (issue 15, docs/proofs.md "The proof file"): a donor's own leaves
 * with their salt, a creator's leaves with donor commitments only, the paths, and the output that
 * carries the month's root. An account that gave and received gets both kinds in one proof.
 *
 * Building a month's tree costs about 6 s of CPU at a million leaves, so built trees are kept in
 * this process, the last TREE_CACHE_SIZE months (least recently used goes first; about 190 MB
 * each at that size): one account's proof from a kept tree reads k leaves and k x log2(n) hashes.
 * Concurrent requests for a month not kept yet share one build.
 */

const TREE_CACHE_SIZE = 2;
const trees = new Map<string, Promise<AllocationTree>>();

export async function allocationProofFor(period: string, accountId: string, options: { tip?: number | undefined } = {}): Promise<AllocationProofJson> {
  const settlement = await findSettlement(period);
  const carrier = committedCarrier(period, settlement);
  const tree = await treeOf(period, carrier.root);
  const given = tree.byDonor.get(accountId) ?? [];
  const received = tree.byCreator.get(accountId) ?? [];
  if (given.length === 0 && received.length === 0) throw new KibbleError('proof-not-found', `you have no allocation in ${period}`);
  const leaves = [
    ...(given.length === 0 ? [] : allocationProofAt(tree, carrier.txid, given, 'donor').leaves),
    ...(received.length === 0 ? [] : allocationProofAt(tree, carrier.txid, received, 'commitment').leaves),
  ].sort((a, b) => a.index - b.index);
  const first = settlement?.transactions.find((tx) => tx.txid === carrier.txid);
  const height = first?.blockHeight;
  const confirmations = height === undefined || height === null || options.tip === undefined ? 0 : confirmationsAt(height, options.tip);
  return { kind: ALLOCATION_PROOF_KIND, version: 1, period, txid: carrier.txid, vout: carrier.vout, confirmations, root: carrier.root, leafCount: tree.leafCount, leaves };
}

/** The month's root and the output carrying it, or why there is no proof to give (yet). */
function committedCarrier(period: string, settlement: Settlement | null): { root: string; txid: string; vout: number } {
  if (settlement === null || settlement.state === 'closed') {
    throw new KibbleError('proof-not-committed', `${period} is not settled yet: its allocations are committed on chain when its settlement is signed`);
  }
  const commitment = settlement.commitment;
  if (commitment === undefined || commitment === null) throw new KibbleError('proof-not-found', `${period} commits to no allocations`);
  if (commitment.txid === undefined || commitment.txid === null || commitment.vout === undefined || commitment.vout === null) {
    throw new KibbleError(
      'proof-not-committed',
      settlement.state === 'planned'
        ? `${period} is planned but not signed yet: its allocations are committed on chain when it is`
        : `${period} is not committed on chain: the month paid nothing on chain, so no transaction carries its allocation root (${commitment.root})`,
    );
  }
  return { root: commitment.root, txid: commitment.txid, vout: commitment.vout };
}

async function treeOf(period: string, root: string): Promise<AllocationTree> {
  const key = `${period}:${root}`;
  let tree = trees.get(key);
  if (tree === undefined) {
    tree = buildTree(period, root);
    tree.catch(() => trees.delete(key));
    while (trees.size >= TREE_CACHE_SIZE) trees.delete(trees.keys().next().value as string);
  } else {
    trees.delete(key); // re-inserted below: most recently used last
  }
  trees.set(key, tree);
  return tree;
}

async function buildTree(period: string, root: string): Promise<AllocationTree> {
  const month = await committedMonth(period);
  const tree = allocationTreeOf({ period, ...month });
  const built = Buffer.from(tree.root).toString('hex');
  if (built !== root) throw new KibbleError('internal', `${period}: the allocations rebuild to the root ${built}, not the committed ${root}`);
  return tree;
}

import { z } from 'zod';
import { KibbleError } from '../errors';
import { CUSTODY_ACCOUNT, PLATFORM_FEES_ACCOUNT } from '../money/ledger';
import { IDENTIFIER, toHex, UINT128_MAX } from './encoding';
import { reservesSalt } from './salts';
import { buildSumTree, reservesAccountCommitment, type SumTree } from './sum-tree';

/**
 * A proof-of-reserves snapshot as plain data (docs/proofs.md, "Reserves publication"): the
 * liabilities taken from the ledger's balances, the sum tree over them salted per account with the
 * snapshot's secret, and the published document (root, total, the wallet's unspent outputs).
 */

export const RESERVES_KIND = 'kibble-reserves';

/** One thing kibble owes: a ledger account (`donor:<id>`, `creator:<id>`, `platform:fees`) and its balance. */
export interface Liability {
  account: string;
  amount: bigint;
}

export interface ReservesOutput {
  txid: string;
  vout: number;
  address: string;
  amount: bigint;
  /** Height of the block that holds it. */
  height: number;
}

const LIABILITY_PREFIXES = ['donor:', 'creator:'] as const;

/**
 * The liabilities among the ledger's balances (every account's, as balancesByPrefix('') reads
 * them): each donor balance, each creator amount owed and the platform's unpaid fee that is above
 * zero, sorted by account. Their total must be exactly what the ledger says custody holds
 * (-balance(custody)); anything else (a negative balance, an account of another kind with a
 * balance, a total that differs) is refused: a snapshot that does not add up is not published.
 */
export function liabilitiesFromBalances(balances: ReadonlyMap<string, bigint>): { liabilities: Liability[]; total: bigint } {
  const liabilities: Liability[] = [];
  const problems: string[] = [];
  for (const [account, amount] of balances) {
    if (account === CUSTODY_ACCOUNT || amount === 0n) continue;
    const owed = account === PLATFORM_FEES_ACCOUNT || LIABILITY_PREFIXES.some((prefix) => account.startsWith(prefix));
    if (!owed) problems.push(`account ${account} has a balance of ${amount} but is not a liability kibble knows`);
    else if (amount < 0n) problems.push(`account ${account} has a negative balance (${amount})`);
    else if (!IDENTIFIER.test(account)) problems.push(`account ${account} cannot be named in a proof (1 to 64 printable characters)`);
    else liabilities.push({ account, amount });
  }
  const total = liabilities.reduce((sum, liability) => sum + liability.amount, 0n);
  const custodyHeld = -(balances.get(CUSTODY_ACCOUNT) ?? 0n);
  if (total !== custodyHeld) problems.push(`the liabilities total ${total}, but the ledger's custody says ${custodyHeld} is owed`);
  if (problems.length > 0) {
    throw new KibbleError('reserves-refused', `the ledger does not add up to a proof of reserves, nothing published: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`);
  }
  liabilities.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return { liabilities, total };
}

/** The sum tree of a snapshot: each leaf's account commitment salted with reservesSalt(secret, snapshot, account). */
export function reservesTree(snapshot: string, secret: Uint8Array, liabilities: readonly Liability[]): SumTree {
  return buildSumTree(
    snapshot,
    liabilities.map(({ account, amount }) => ({ commitment: reservesAccountCommitment(reservesSalt(secret, snapshot, account), account), amount })),
  );
}

/** The index of an account's leaf in the tree, or undefined when it has none (nothing owed to it). */
export function leafIndexOf(tree: SumTree, secret: Uint8Array, account: string): number | undefined {
  const commitment = toHex(reservesAccountCommitment(reservesSalt(secret, tree.snapshot, account), account));
  const index = tree.leaves.findIndex((leaf) => toHex(leaf.commitment) === commitment);
  return index < 0 ? undefined : index;
}

const hash32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');
const units = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,38})$/, 'must be a whole number >= 0 of smallest units, as a decimal string')
  .refine((text) => BigInt(text) <= UINT128_MAX, 'must fit an unsigned 128-bit integer');

export const publishedReservesSchema = z.strictObject({
  kind: z.literal(RESERVES_KIND),
  version: z.literal(1),
  snapshot: z.string().regex(IDENTIFIER, 'must be 1 to 64 printable ASCII characters without spaces'),
  chain: z.string().min(1).max(64),
  takenAt: z.iso.datetime(),
  /** The scanner's height: outputs are those unspent as of this block. */
  height: z.number().int().nonnegative(),
  liabilities: z.strictObject({ root: hash32, total: units, leafCount: z.number().int().nonnegative() }),
  outputs: z.array(z.strictObject({ txid: hash32, vout: z.number().int().nonnegative(), address: z.string().min(1).max(128), amount: units, height: z.number().int().nonnegative() })),
  outputsTotal: units,
  /** Per address, its key's signature of reservesSignedMessage (empty when the publisher had no key). */
  signatures: z.array(z.strictObject({ address: z.string(), message: z.string(), signature: z.string() })),
});

export type PublishedReserves = z.infer<typeof publishedReservesSchema>;

export interface SnapshotFacts {
  snapshot: string;
  chain: string;
  takenAt: Date;
  height: number;
  outputs: readonly ReservesOutput[];
}

/**
 * What each address of the wallet signs in a snapshot: bound to the snapshot and its root, so a
 * signature cannot be carried over to another snapshot.
 */
export function reservesSignedMessage(snapshot: string, root: string): string {
  return `kibble proof of reserves ${snapshot} ${root}`;
}

/** The document published at GET /api/v1/reserves. Amounts are smallest units, as in the proofs. */
export function publishedReserves(facts: SnapshotFacts, tree: SumTree, signatures: PublishedReserves['signatures'] = []): PublishedReserves {
  const outputs = [...facts.outputs].sort((a, b) => a.height - b.height || (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : a.vout - b.vout));
  return {
    kind: RESERVES_KIND,
    version: 1,
    snapshot: facts.snapshot,
    chain: facts.chain,
    takenAt: facts.takenAt.toISOString(),
    height: facts.height,
    liabilities: { root: toHex(tree.root.hash), total: tree.root.sum.toString(), leafCount: tree.leaves.length },
    outputs: outputs.map((output) => ({ ...output, amount: output.amount.toString() })),
    outputsTotal: outputs.reduce((sum, output) => sum + output.amount, 0n).toString(),
    signatures,
  };
}

import { randomBytes } from 'node:crypto';
import type { KeyPath } from '../../chain/key-path';
import type { ChainProfile } from '../../chain/profiles';
import { KibbleError } from '../../errors';
import { creatorAccount, donorAccount } from '../../money/ledger';
import { fromHex } from '../../proofs/encoding';
import { reservesProofJson, type ReservesProofJson } from '../../proofs/reserves-proof';
import { leafIndexOf, liabilitiesFromBalances, publishedReserves, reservesSignedMessage, reservesTree, type Liability, type PublishedReserves } from '../../proofs/reserves-snapshot';
import { toHex } from '../../proofs/encoding';
import { reservesSalt } from '../../proofs/salts';
import type { SumTree } from '../../proofs/sum-tree';
import { balancesByPrefix } from '../ledger/balances';
import { readChainCursor } from '../wallet-watch/chain-cursor-store';
import { pendingDepositsTotal } from '../wallet-watch/deposit-store';
import { unspentWalletOutputs } from '../wallet-watch/wallet-view';
import { latestConfirmedPeriod } from '../settlement/settlement-store';
import { findSnapshotHead, findSnapshotWithSecret, insertSnapshot, readSnapshotText, snapshotExists, type SnapshotHead } from './reserves-store';

/**
 * Proof of reserves (docs/proofs.md, "Reserves publication"): a snapshot of what kibble owes (the
 * ledger's balances, as a Merkle-sum tree salted per account with a per-snapshot secret) and of
 * what it holds (the wallet's unspent outputs as the scanner recorded them), published once per id.
 */

export interface PublishOutcome {
  /** false: a snapshot with this id existed already and is returned as it was. */
  created: boolean;
  published: PublishedReserves;
}

export interface PublishOptions {
  chain: ChainProfile;
  clock: () => Date;
  /** `2026-11` after a settlement; default `h<scanner height>`. */
  snapshot?: string;
  /** Told of each step, for the CLI's progress lines. */
  progress?: (message: string) => void;
  /**
   * Where the key is present: gives a function signing a message with the key at a wallet key
   * path (src/signer/message-signer.ts), asked for once per snapshot, so the key is read only
   * while it signs. Without it the snapshot carries no signatures.
   */
  messageSigner?: () => (keyPath: KeyPath, message: string) => string;
}

const ATTEMPTS = 3;

/** Takes and stores a snapshot, unless one with that id exists (then returns it unchanged). */
export async function publishReserves(options: PublishOptions): Promise<PublishOutcome> {
  const say = options.progress ?? (() => undefined);
  if (options.snapshot !== undefined && (await snapshotExists(options.snapshot))) return { created: false, published: await latestPublished(options.snapshot) };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await publishOnce(options, say);
    } catch (error) {
      // The scanner moved while we read: read again, it settles within a pass.
      if (!(error instanceof KibbleError && error.details?.['retry'] === true) || attempt >= ATTEMPTS) throw error;
      say(`${error.message}; reading again`);
    }
  }
}

async function publishOnce(options: PublishOptions, say: (message: string) => void): Promise<PublishOutcome> {
  const cursor = await readChainCursor(options.chain.name);
  if (cursor === undefined) throw new KibbleError('reserves-refused', 'the deposit scanner has not run yet: there are no outputs to show');
  const snapshot = options.snapshot ?? `h${cursor.height}`;
  if (await snapshotExists(snapshot)) return { created: false, published: await latestPublished(snapshot) };
  say(`reading the ledger's balances and the wallet's outputs at height ${cursor.height}`);
  const [balances, outputs, pending] = await Promise.all([balancesByPrefix(''), unspentWalletOutputs(), pendingDepositsTotal()]);
  const after = await readChainCursor(options.chain.name);
  if (after?.height !== cursor.height || after.hash !== cursor.hash) {
    throw new KibbleError('reserves-refused', `the scanner moved from height ${cursor.height} to ${after?.height ?? 'nothing'} while the snapshot was read`, { retry: true });
  }
  // A reorg's rollback that stopped part-way leaves the cursor where it was: what was read is half rolled back.
  if (cursor.rollingBackAbove !== undefined || after.rollingBackAbove !== undefined) {
    throw new KibbleError('reserves-refused', `the scanner is rolling back a reorg above height ${cursor.rollingBackAbove ?? after.rollingBackAbove}; its next pass finishes it`, { retry: true });
  }
  const { liabilities, total } = liabilitiesFromBalances(balances);
  const held = outputs.reduce((sum, output) => sum + output.amount, 0n);
  // Invariant 2 of DESIGN.md: what the scanner saw (less deposits not credited yet) is what the ledger says custody holds.
  if (held - pending !== total) {
    throw new KibbleError(
      'reserves-refused',
      `the wallet's unspent outputs (${held} units, ${pending} of them deposits not credited yet) do not match the ledger's custody (${total}): ` +
        'the scanner may be behind a settlement; try again after its next pass',
    );
  }
  say(`${liabilities.length} liabilities totalling ${total} units; ${outputs.length} unspent outputs totalling ${held} units`);
  const secret = randomBytes(32);
  const tree = reservesTree(snapshot, secret, liabilities);
  const takenAt = options.clock();
  const signatures: PublishedReserves['signatures'] = [];
  if (options.messageSigner !== undefined) {
    const sign = options.messageSigner();
    const message = reservesSignedMessage(snapshot, toHex(tree.root.hash));
    const keyPaths = new Map<string, KeyPath>(outputs.map((output) => [output.address, { change: output.kind === 'change' ? 1 : 0, index: output.addressIndex }]));
    for (const [address, keyPath] of keyPaths) signatures.push({ address, message, signature: sign(keyPath, message) });
    say(`signed the snapshot with the keys of ${signatures.length} addresses`);
  }
  const published = publishedReserves(
    {
      snapshot,
      chain: options.chain.name,
      takenAt,
      height: cursor.height,
      outputs: outputs.map((output) => ({ txid: output.txid, vout: output.vout, address: output.address, amount: output.amount, height: output.blockHeight })),
    },
    tree,
    signatures,
  );
  const created = await insertSnapshot(
    {
      head: { _id: snapshot, takenAt, height: cursor.height, secret: secret.toString('hex'), root: published.liabilities.root, total, leafCount: liabilities.length, outputsTotal: held },
      publishedText: JSON.stringify(published),
      leavesText: JSON.stringify(liabilities.map(({ account, amount }) => [account, amount.toString()])),
    },
    takenAt,
  );
  if (!created) return { created: false, published: await latestPublished(snapshot) };
  say(`published snapshot ${snapshot}: root ${published.liabilities.root}`);
  return { created: true, published };
}

/** The published document of the newest snapshot, or of a named one; not-found when there is none. */
export async function latestPublished(snapshot?: string): Promise<PublishedReserves> {
  const head = await findSnapshotHead(snapshot);
  if (head === null) throw new KibbleError('not-found', snapshot === undefined ? 'no proof of reserves has been published yet' : `no proof of reserves snapshot ${snapshot}`);
  return JSON.parse(await readSnapshotText(head, 'published')) as PublishedReserves;
}

/** The head of the newest snapshot (root, totals, height), or null before the first. */
export async function latestSnapshotHead(): Promise<SnapshotHead | null> {
  return findSnapshotHead();
}

export type ProofRole = 'donor' | 'creator';

/** One rebuilt tree kept per process: every user asking for the newest snapshot's proof shares it. */
let cachedTree: { key: string; tree: SumTree; liabilities: Liability[] } | undefined;

/**
 * A user's inclusion proof: their donor leaf (or creator leaf: `role`; by default the donor leaf
 * when they have one, else the creator leaf). The tree is rebuilt from the stored leaves and the
 * secret; the proof reveals only this account's salt.
 */
export async function reservesProofFor(accountId: string, options: { role?: ProofRole; snapshot?: string } = {}): Promise<ReservesProofJson> {
  const snapshot = await findSnapshotWithSecret(options.snapshot);
  if (snapshot === null) throw new KibbleError('not-found', options.snapshot === undefined ? 'no proof of reserves has been published yet' : `no proof of reserves snapshot ${options.snapshot}`);
  const key = `${snapshot._id}:${snapshot.attempt}`;
  if (cachedTree?.key !== key) {
    const rows = JSON.parse(await readSnapshotText(snapshot, 'leaves')) as Array<[string, string]>;
    const liabilities = rows.map(([account, amount]) => ({ account, amount: BigInt(amount) }));
    cachedTree = { key, liabilities, tree: reservesTree(snapshot._id, fromHex('secret', snapshot.secret, 32), liabilities) };
  }
  const { tree, liabilities } = cachedTree;
  const roles: ProofRole[] = options.role === undefined ? ['donor', 'creator'] : [options.role];
  const secret = fromHex('secret', snapshot.secret, 32);
  for (const role of roles) {
    const account = role === 'donor' ? donorAccount(accountId) : creatorAccount(accountId);
    if (!liabilities.some((liability) => liability.account === account)) continue;
    const index = leafIndexOf(tree, secret, account);
    if (index === undefined) throw new KibbleError('internal', `snapshot ${snapshot._id}: the leaf of a stored liability is not in the rebuilt tree`);
    return reservesProofJson(tree, index, { account, salt: reservesSalt(secret, snapshot._id, account) });
  }
  const which = options.role === undefined ? 'a balance or an amount owed' : options.role === 'donor' ? 'a donor balance' : 'an amount owed as a creator';
  throw new KibbleError('not-found', `you had no leaf in proof of reserves snapshot ${snapshot._id}: kibble owed you nothing (${which}) when it was taken`);
}

/**
 * After a settlement is confirmed: publishes the snapshot named after the newest confirmed month,
 * once (idempotent by that id). Null when there is nothing to do.
 */
export async function publishReservesAfterSettlement(options: Omit<PublishOptions, 'snapshot'>): Promise<PublishOutcome | null> {
  const period = await latestConfirmedPeriod();
  if (period === null || (await snapshotExists(period))) return null;
  return publishReserves({ ...options, snapshot: period });
}

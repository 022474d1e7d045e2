import type { BlockMatches } from '../../chain/block/block-matcher';
import type { ChainProfile } from '../../chain/profiles';
import { depositCreditJournal } from '../../money/ledger';
import { recordJournals } from '../ledger/ledger-store';
import { settleAll } from '../../settle-all';
import { recordEvents, reserveEventSeqs } from '../events/outbox';
import { confirmationsAt, depositCreditedEvent, requiredConfirmations } from './crediting';
import { depositKey, insertDeposits, returnOrphanedDeposits } from './deposit-store';
import { insertScannedBlocks } from './scanned-block-store';
import { insertWalletOutputs, returnOrphanedWalletOutputs } from './wallet-output-store';
import { insertWalletSpends } from './wallet-spend-store';

/**
 * Stores what scanned blocks mean to the wallet. Every write is keyed by `txid:vout` or the height,
 * so processing the same blocks again after a crash changes nothing.
 */
export interface BlockRef {
  hash: string;
  prevHash: string;
  height: number;
}

export interface BlockToRecord {
  block: BlockRef;
  matches: BlockMatches;
}

/** Where crash tests stop a write part-way. */
export interface BlockWriteHooks {
  /** The deposit documents are stored; their credit journals and events are next. */
  depositsStored?: () => void | Promise<void>;
}

/** What crediting at first sight needs: the node's tip and the confirmation rule. */
export interface CreditRule {
  tip: number;
  minConfirmations: number;
  chain: ChainProfile;
}

export async function recordBlock(block: BlockRef, matches: BlockMatches, seenAt: Date, credit?: CreditRule): Promise<number> {
  return recordBlocks([{ block, matches }], seenAt, credit);
}

/**
 * Stores consecutive blocks, in a few bulk writes rather than a few writes per output (each round
 * trip costs milliseconds, more on FerretDB). The wallet's outputs, the deposits (then their
 * credit journals, then their events) and the spends touch different collections and none reads
 * another, so they run concurrently. The scanned blocks follow the outputs and the spends: a block
 * stored means its spends are (the settlement's spend repair relies on it, spend-repair.ts); they
 * do not wait for the deposits' longer chain. A crash part-way leaves a subset that the next pass
 * completes: inserts skip what exists, updates are conditional on the state. Every write settles
 * before a failure is thrown, so none runs on after the pass. Returns how many deposits it stored
 * credited (0 when some existed already: a repeated batch).
 */
export async function recordBlocks(batch: readonly BlockToRecord[], seenAt: Date, credit?: CreditRule, hooks: BlockWriteHooks = {}): Promise<number> {
  const received = batch.flatMap(({ block, matches }) => matches.received.map((output) => ({ block, output })));
  const spent = batch.flatMap(({ block, matches }) => matches.spent.map((output) => ({ block, output })));
  const recordOutputsThenBlocks = async (): Promise<void> => {
    await settleAll([
      recordWalletOutputs(received),
      recordSpends(spent.map(({ block, output }) => ({ outpoint: depositKey(output.txid, output.vout), spentByTxid: output.spentByTxid, block }))),
    ]);
    await insertScannedBlocks(batch.map(({ block }) => ({ height: block.height, hash: block.hash, prevHash: block.prevHash })));
  };
  const [, creditedAtFirstSight] = await settleAll([recordOutputsThenBlocks(), recordDeposits(received, seenAt, credit, hooks)]);
  return creditedAtFirstSight;
}

type ReceivedInBlock = { block: BlockRef; output: BlockMatches['received'][number] };

async function recordWalletOutputs(received: readonly ReceivedInBlock[]): Promise<void> {
  if (received.length === 0) return;
  const inserted = await insertWalletOutputs(
    received.map(({ block, output }) => ({
      outpoint: depositKey(output.txid, output.vout),
      txid: output.txid,
      vout: output.vout,
      address: output.owner.address,
      kind: output.owner.kind,
      addressIndex: output.owner.index,
      amount: output.value,
      coinbase: output.coinbase,
      blockHash: block.hash,
      blockHeight: block.height,
    })),
  );
  // Some were there already: seen before in a block that was orphaned since, they are back in
  // the best chain (only orphaned ones move, so it is a no-op for the others).
  if (!inserted) {
    await returnOrphanedWalletOutputs(
      received.map(({ block, output }) => ({ outpoint: depositKey(output.txid, output.vout), blockHash: block.hash, blockHeight: block.height })),
    );
  }
}

/** Returns how many deposits it stored credited. */
async function recordDeposits(received: readonly ReceivedInBlock[], seenAt: Date, credit?: CreditRule, hooks: BlockWriteHooks = {}): Promise<number> {
  const deposits = received.filter(({ output }) => output.owner.kind === 'deposit' && output.owner.accountId !== undefined);
  if (deposits.length === 0) return 0;
  const isDue = ({ block, output }: ReceivedInBlock): boolean =>
    credit !== undefined && confirmationsAt(block.height, credit.tip) >= requiredConfirmations(output, credit.minConfirmations, credit.chain);
  // Deposits already buried deep enough when first seen (a scanner catching up) are stored
  // credited (credit number 1), sparing the status flip, one update per deposit on FerretDB.
  const creditedNow = deposits.filter(isDue);
  const inserted = await insertDeposits(
    deposits.map((deposit) => {
      const { block, output } = deposit;
      return {
        txid: output.txid,
        vout: output.vout,
        address: output.owner.address,
        accountId: String(output.owner.accountId),
        amount: output.value,
        coinbase: output.coinbase,
        blockHash: block.hash,
        blockHeight: block.height,
        seenAt,
        ...(isDue(deposit) ? { creditedAt: seenAt } : {}),
      };
    }),
  );
  // Some were there already. Seen before in a block that was orphaned since, they are back in
  // the best chain: pending again, credited by the next pass (whose journal id is then the
  // next credit number, or the one written below when it never was credited).
  if (!inserted) {
    await returnOrphanedDeposits(
      deposits.map(({ block, output }) => ({ key: depositKey(output.txid, output.vout), blockHash: block.hash, blockHeight: block.height })),
    );
  }
  await hooks.depositsStored?.();
  // The credit journals after the documents, so that a pass stopped in between leaves documents
  // that say what their journals are: the rollback of a reorg (which finds deposits by their
  // documents) writes a missing credit before reversing it. Written for every deposit due, stored
  // now or by an earlier pass: ids carry credit number 1, so a repeat is a no-op, and a deposit
  // credited before under that number has that journal already.
  if (creditedNow.length > 0) {
    // New deposits' events are new too: their sequence numbers are asked beside the journals,
    // not after them. (A repeated batch looks for its events first and takes no numbers for
    // those it finds, so readers have no gap to wait out.)
    const eventSeqs = inserted ? reserveEventSeqs(creditedNow.length) : undefined;
    await recordJournals(
      creditedNow.map(({ output }) => depositCreditJournal(depositKey(output.txid, output.vout), 1, String(output.owner.accountId), output.value)),
      seenAt,
    );
    await recordEvents(
      creditedNow.map(({ block, output }) =>
        depositCreditedEvent({ key: depositKey(output.txid, output.vout), creditNumber: 1, accountId: String(output.owner.accountId), amount: output.value, blockHeight: block.height }, seenAt),
      ),
      seenAt,
      // Every deposit document was new: no earlier pass recorded their first credit's events.
      { fresh: inserted, reserved: eventSeqs },
    );
  }
  return inserted ? creditedNow.length : 0;
}

export interface SpendToRecord {
  /** The wallet's spent output, `txid:vout`. */
  outpoint: string;
  spentByTxid: string;
  block: Pick<BlockRef, 'height' | 'hash'>;
}

/**
 * Inserts, keyed by the spent outpoint: a repeated block changes nothing (see wallet-spend.ts).
 * The scanner's write, also used by the settlement follower to repair spends the scanner missed.
 */
export async function recordSpends(spends: readonly SpendToRecord[]): Promise<void> {
  await insertWalletSpends(spends.map(({ outpoint, spentByTxid, block }) => ({ outpoint, spentByTxid, spentHeight: block.height, blockHash: block.hash })));
}

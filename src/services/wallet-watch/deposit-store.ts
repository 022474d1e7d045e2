import { Types } from 'mongoose';
import { forEachChunk, KEY_LOOKUP_CHUNKS } from '../../db/chunks';
import { DepositModel, depositKey, type Deposit } from '../../db/deposit';
import { insertBuilt } from '../../db/insert-built';
import { insertOnceInChunks } from './insert-once';
import type { RecordedBlock } from './scanned-block-store';

/**
 * The one owner of `deposits`: outputs paying a donor's deposit address, keyed `txid:vout`, and
 * their credit state. Every transition updates only from the state it expects.
 */

export { depositKey };
export type { Deposit };

export interface NewDeposit {
  txid: string;
  vout: number;
  address: string;
  accountId: string;
  amount: bigint;
  coinbase: boolean;
  blockHash: string;
  blockHeight: number;
  seenAt: Date;
  /** Stored credited (credit number 1) when already buried deep enough at first sight. */
  creditedAt?: Date;
}

/**
 * Inserts by `txid:vout`; false when some existed already (the others are inserted all the same).
 * Inserts complete documents as built here (every field, defaults included; db/insert-built.ts): mongoose's
 * casting and validation of each document cost the scanner more CPU than the driver's whole
 * insert (docs/benchmarks.md, bench:scan). The rows come from the block parser and the watch index.
 */
export async function insertDeposits(deposits: readonly NewDeposit[]): Promise<boolean> {
  if (deposits.length === 0) return true;
  const documents: Deposit[] = deposits.map(({ creditedAt, accountId, ...deposit }) => ({
    _id: depositKey(deposit.txid, deposit.vout),
    ...deposit,
    accountId: accountObjectId(accountId),
    ...(creditedAt === undefined ? { status: 'pending', creditSeq: 0 } : { status: 'credited', creditSeq: 1, creditedAt }),
  }));
  return insertOnceInChunks(documents, (chunk) => insertBuilt(DepositModel, chunk));
}

function accountObjectId(accountId: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(accountId) || !/^[0-9a-f]{24}$/i.test(accountId)) throw new Error(`deposit accountId ${JSON.stringify(accountId)} is not an account id`);
  return new Types.ObjectId(accountId);
}

/**
 * Deposits seen before in a block that was orphaned since are back in the best chain: pending
 * again, in this block. Moves only orphaned ones.
 */
export async function returnOrphanedDeposits(deposits: ReadonlyArray<{ key: string; blockHash: string; blockHeight: number }>): Promise<void> {
  for (const { key, blockHash, blockHeight } of deposits) {
    await DepositModel.updateOne({ _id: key, status: 'orphaned' }, { $set: { status: 'pending', blockHash, blockHeight } });
  }
}

/** Pending deposits in blocks at or below `height`. */
export async function pendingDepositsUpTo(height: number): Promise<Deposit[]> {
  return DepositModel.find({ status: 'pending', blockHeight: { $lte: height } }).lean();
}

/**
 * pending -> credited for these deposits, from credit number `previousSeq` to the next one (set,
 * not incremented, so a repeat changes nothing). Answers how many moved.
 */
export async function markDepositsCredited(keys: readonly string[], previousSeq: number, at: Date): Promise<number> {
  const result = await DepositModel.updateMany(
    { _id: { $in: keys }, status: 'pending', creditSeq: previousSeq },
    { $set: { status: 'credited', creditSeq: previousSeq + 1, creditedAt: at } },
  );
  return result.modifiedCount;
}

/** Deposits in blocks above `height` that are not orphaned yet (a reorg's rollback). */
export async function liveDepositsAbove(height: number): Promise<Deposit[]> {
  return DepositModel.find({ blockHeight: { $gt: height }, status: { $in: ['pending', 'credited'] } }).lean();
}

/** The blocks of the live deposits above this height (indexed by status and height). */
export async function liveDepositBlocksAbove(height: number): Promise<RecordedBlock[]> {
  const rows = await DepositModel.find({ blockHeight: { $gt: height }, status: { $in: ['pending', 'credited'] } }, { blockHeight: 1, blockHash: 1, _id: 0 }).lean();
  return rows.map((row) => ({ height: row.blockHeight, hash: row.blockHash }));
}

/** credited|pending -> orphaned, for these keys in that status and at that credit number. Answers how many moved. */
export async function markDepositsOrphaned(keys: readonly string[], from: 'credited' | 'pending', creditSeq: number): Promise<number> {
  if (keys.length === 0) return 0;
  const result = await DepositModel.updateMany({ _id: { $in: keys }, status: from, creditSeq }, { $set: { status: 'orphaned' }, $unset: { creditedAt: 1 } });
  return result.modifiedCount;
}

/**
 * pending -> orphaned for a deposit whose next credit was journaled (and is reversed now): its
 * credit number moves to that credit. Answers whether it moved.
 */
export async function markDanglingDepositOrphaned(key: string, creditSeq: number): Promise<boolean> {
  const result = await DepositModel.updateOne(
    { _id: key, status: 'pending', creditSeq },
    { $set: { status: 'orphaned', creditSeq: creditSeq + 1 }, $unset: { creditedAt: 1 } },
  );
  return result.modifiedCount === 1;
}

/** The status of one deposit, read by `_id` alone (cheap on FerretDB too), or undefined. */
export async function depositStatus(key: string): Promise<Deposit['status'] | undefined> {
  return (await DepositModel.findById(key, { status: 1 }).lean())?.status;
}

/**
 * Which of these keys are credited deposits (the outputs a settlement may spend), looked up by
 * key: the cost follows the wallet's outputs, not every deposit ever credited.
 */
export async function creditedDepositKeysAmong(keys: readonly string[]): Promise<Set<string>> {
  const credited = new Set<string>();
  await forEachChunk(keys, KEY_LOOKUP_CHUNKS, async (chunk) => {
    const rows = await DepositModel.find({ _id: { $in: chunk }, status: 'credited' }, { _id: 1 }).lean();
    for (const row of rows) credited.add(row._id);
  });
  return credited;
}

/** What deposits in blocks but not yet credited hold together. */
export async function pendingDepositsTotal(): Promise<bigint> {
  const pending = await DepositModel.find({ status: 'pending' }, { amount: 1, _id: 0 }).lean();
  return pending.reduce((sum, deposit) => sum + deposit.amount, 0n);
}

/** One account's deposits in blocks, not yet credited, oldest block first. */
export async function pendingDepositsOfAccount(accountId: string): Promise<Array<Pick<Deposit, '_id' | 'txid' | 'vout' | 'amount' | 'blockHeight'>>> {
  return DepositModel.find({ accountId: new Types.ObjectId(accountId), status: 'pending' }, { txid: 1, vout: 1, amount: 1, blockHeight: 1 })
    .sort({ blockHeight: 1 })
    .lean();
}

/** Which of these keys are recorded deposits in the best chain (not orphaned). */
export async function recordedDepositKeys(keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await DepositModel.find({ _id: { $in: keys }, status: { $ne: 'orphaned' } }, { _id: 1 }).lean();
  return new Set(rows.map((row) => row._id));
}

/** One page of an account's deposits, the latest seen first (orphaned ones are left out). */
export async function depositHistoryOf(accountId: string, page: { offset: number; limit: number }): Promise<{ total: number; deposits: Deposit[] }> {
  const filter = { accountId: new Types.ObjectId(accountId), status: { $ne: 'orphaned' } };
  const [total, deposits] = await Promise.all([
    DepositModel.countDocuments(filter),
    DepositModel.find(filter).sort({ seenAt: -1, _id: 1 }).skip(page.offset).limit(page.limit).lean<Deposit[]>(),
  ]);
  return { total, deposits };
}

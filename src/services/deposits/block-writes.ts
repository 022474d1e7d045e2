import type { BlockMatches, ReceivedOutput } from '../../chain/block-matcher';
import { DepositModel, depositKey } from '../../db/deposit';
import { isDuplicateKeyError } from '../../db/errors';
import { ScannedBlockModel } from '../../db/scanned-block';
import { WalletOutputModel } from '../../db/wallet-output';

/**
 * Stores what one block means to the wallet. Every write is keyed by `txid:vout` or the height,
 * so processing the same block again after a crash changes nothing.
 */
export interface BlockRef {
  hash: string;
  prevHash: string;
  height: number;
}

export async function recordBlock(block: BlockRef, matches: BlockMatches, seenAt: Date): Promise<void> {
  for (const received of matches.received) {
    await recordWalletOutput(block, received);
    if (received.owner.kind === 'deposit' && received.owner.accountId !== undefined) {
      await recordDeposit(block, received, received.owner.accountId, seenAt);
    }
  }
  for (const spent of matches.spent) {
    await WalletOutputModel.updateOne(
      { _id: depositKey(spent.txid, spent.vout), status: 'unspent' },
      { $set: { status: 'spent', spentByTxid: spent.spentByTxid, spentHeight: block.height } },
    );
  }
  await insertOnce(() => ScannedBlockModel.create({ _id: block.height, hash: block.hash, prevHash: block.prevHash }));
}

async function recordWalletOutput(block: BlockRef, received: ReceivedOutput): Promise<void> {
  const key = depositKey(received.txid, received.vout);
  const inserted = await insertOnce(() =>
    WalletOutputModel.create({
      _id: key,
      txid: received.txid,
      vout: received.vout,
      address: received.owner.address,
      kind: received.owner.kind,
      addressIndex: received.owner.index,
      amount: received.value,
      coinbase: received.coinbase,
      blockHash: block.hash,
      blockHeight: block.height,
    }),
  );
  // Seen before in a block that was orphaned since: it is back in the best chain.
  if (!inserted) {
    await WalletOutputModel.updateOne(
      { _id: key, status: 'orphaned' },
      { $set: { status: 'unspent', blockHash: block.hash, blockHeight: block.height }, $unset: { spentByTxid: 1, spentHeight: 1 } },
    );
  }
}

async function recordDeposit(block: BlockRef, received: ReceivedOutput, accountId: string, seenAt: Date): Promise<void> {
  const key = depositKey(received.txid, received.vout);
  const inserted = await insertOnce(() =>
    DepositModel.create({
      _id: key,
      txid: received.txid,
      vout: received.vout,
      address: received.owner.address,
      accountId,
      amount: received.value,
      coinbase: received.coinbase,
      blockHash: block.hash,
      blockHeight: block.height,
      status: 'pending',
      seenAt,
    }),
  );
  if (!inserted) {
    await DepositModel.updateOne(
      { _id: key, status: 'orphaned' },
      { $set: { status: 'pending', blockHash: block.hash, blockHeight: block.height } },
    );
  }
}

/** Runs an insert; false when the document exists already (a repeated step). */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

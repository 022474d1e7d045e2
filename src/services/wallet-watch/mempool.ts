import { parseTransaction } from '../../chain/block/block-parser';
import type { ChainRpc } from '../../node/rpc-client';
import type { WatchIndex } from '../../chain/block/watch-index';
import { MempoolDepositModel, type MempoolDeposit } from '../../db/mempool-deposit';
import { depositKey, depositStatus } from './deposit-store';
import { insertOnce } from './insert-once';

/**
 * The one owner of `mempool_deposits`. Deposits waiting in the node's mempool, shown to donors as pending before any block has them.
 * The collection mirrors the mempool: entries whose transaction left it (mined or dropped) go.
 * The mempool and the stored entries are read at once, and entries are deleted only when some
 * left: a pass with nothing new costs two round trips side by side (it ends every scanner pass).
 * Answers how many entries there are now (the scanner, holding its lease, is their one writer).
 */
export async function refreshMempoolDeposits(rpc: ChainRpc, watch: WatchIndex, seenAt: Date): Promise<number> {
  const [inMempool, stored] = await Promise.all([rpc.getRawMempool(), MempoolDepositModel.find({}, { txid: 1 }).lean()]);
  const mempool = new Set(inMempool);
  const gone = stored.filter((row) => !mempool.has(row.txid)).map((row) => row._id);
  // By _id: FerretDB reads the whole collection for any other filter.
  if (gone.length > 0) await MempoolDepositModel.deleteMany({ _id: { $in: gone } });
  const known = new Set(stored.map((row) => row.txid));
  let count = stored.length - gone.length;
  for (const txid of mempool) {
    if (known.has(txid)) continue;
    const raw = await rpc.getRawTransaction(txid).catch(() => undefined); // it may have just left
    if (raw === undefined) continue;
    const tx = parseTransaction(raw);
    for (const [vout, output] of tx.outputs.entries()) {
      const owner = watch.lookup(output.script);
      if (owner?.kind !== 'deposit' || owner.accountId === undefined) continue;
      // By _id alone, the status checked here: FerretDB reads every deposit for a richer filter.
      const status = await depositStatus(depositKey(txid, vout));
      if (status !== undefined && status !== 'orphaned') continue;
      const inserted = await insertOnce(() =>
        MempoolDepositModel.create({ _id: depositKey(txid, vout), txid, address: owner.address, accountId: owner.accountId, amount: output.value, seenAt }),
      );
      if (inserted) count += 1;
    }
  }
  return count;
}

/** One account's deposits seen in the mempool, oldest first. */
export async function mempoolDepositsOf(accountId: string): Promise<MempoolDeposit[]> {
  return MempoolDepositModel.find({ accountId }).sort({ seenAt: 1 }).lean();
}

import { parseTransaction } from '../../chain/block/block-parser';
import type { ChainRpc } from '../../node/rpc-client';
import type { WatchIndex } from '../../chain/block/watch-index';
import { MempoolDepositModel, type MempoolDeposit } from '../../db/mempool-deposit';
import { depositKey, depositStatus } from './deposit-store';
import { insertOnce } from './insert-once';

/**
 * The one owner of `mempool_deposits`. Deposits waiting in the node's mempool, shown to donors as pending before any block has them.
 * The collection mirrors the mempool: entries whose transaction left it (mined or dropped) go.
 */
export async function refreshMempoolDeposits(rpc: ChainRpc, watch: WatchIndex, seenAt: Date): Promise<number> {
  const mempool = new Set(await rpc.getRawMempool());
  await MempoolDepositModel.deleteMany({ txid: { $nin: [...mempool] } });
  const known = new Set((await MempoolDepositModel.find({}, { txid: 1 }).lean()).map((row) => row.txid));
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
      await insertOnce(() =>
        MempoolDepositModel.create({ _id: depositKey(txid, vout), txid, address: owner.address, accountId: owner.accountId, amount: output.value, seenAt }),
      );
    }
  }
  return MempoolDepositModel.countDocuments();
}

/** One account's deposits seen in the mempool, oldest first. */
export async function mempoolDepositsOf(accountId: string): Promise<MempoolDeposit[]> {
  return MempoolDepositModel.find({ accountId }).sort({ seenAt: 1 }).lean();
}

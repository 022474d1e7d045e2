import { parseBlock, parseTransaction } from '../../chain/block/block-parser';
import type { ChainRpc } from '../../node/rpc-client';
import type { ChainProfile } from '../../chain/profiles';
import type { MinedBlock } from '../wallet-watch/spend-repair';
import { spendsOf } from '../wallet-watch/wallet-view';
import type { SettlementTransaction } from './settlement-store';
import { KibbleError } from '../../errors';

/**
 * What the chain says about one stored settlement transaction, from the scanner's records (a
 * recorded spend of one of its inputs by this txid, at a height) and the node's mempool.
 */
export type TransactionSighting =
  | { where: 'block'; height: number }
  | { where: 'mempool' }
  /** In a block the scanner has not read yet (the node knows its outputs). */
  | { where: 'chain' }
  | { where: 'nowhere' }
  /** One of its inputs was spent by another transaction: it can never confirm. */
  | { where: 'conflict'; outpoint: string; spentBy: string };

export async function sightTransaction(rpc: ChainRpc, tx: Pick<SettlementTransaction, 'txid' | 'inputs'>, mempool?: ReadonlySet<string>): Promise<TransactionSighting> {
  const spends = [...(await spendsOf(tx.inputs)).values()];
  const ours = spends.find((spend) => spend.spentByTxid === tx.txid);
  if (ours !== undefined) return { where: 'block', height: ours.spentHeight };
  const other = spends.find((spend) => spend.spentByTxid !== tx.txid);
  if (other !== undefined) return { where: 'conflict', outpoint: other._id, spentBy: other.spentByTxid };
  const pool = mempool ?? new Set(await rpc.getRawMempool());
  return pool.has(tx.txid) ? { where: 'mempool' } : { where: 'nowhere' };
}

/** `gettxout` calls before reading blocks instead. */
const MAX_OUTPUTS_PROBED = 8;
/** How far back from the tip `findMinedBlock` looks when every output is spent: a day of Dogecoin blocks. */
const MAX_BLOCKS_WALKED = 1_440;
/** A block's timestamp may lag real time; well within two hours on every chain we run on. */
const BLOCK_TIME_SLACK_SECONDS = 2 * 60 * 60;

/**
 * Where the node says a transaction was mined, for one the scanner has no record of; undefined
 * when it is not in the best chain. The node keeps no transaction index: `gettxout` on one of its
 * still-unspent outputs gives its depth; when all are spent, the blocks since it was broadcast
 * (bounded) are read. The block found is checked to hold the transaction.
 */
export async function findMinedBlock(
  rpc: ChainRpc,
  chain: ChainProfile,
  tx: Pick<SettlementTransaction, 'txid' | 'raw' | 'broadcastAt'>,
  tip: number,
): Promise<MinedBlock | undefined> {
  const outputs = parseTransaction(Buffer.from(tx.raw, 'hex')).outputs.length;
  // Last first: the change output comes last and stays unspent until this month is confirmed (the
  // next month waits for it), so the first probe nearly always decides. Bounded: a big month
  // has thousands of outputs.
  for (let vout = outputs - 1; vout >= Math.max(0, outputs - MAX_OUTPUTS_PROBED); vout--) {
    const out = await rpc.getTxOut(tx.txid, vout, false);
    if (out === null || out.confirmations <= 0) continue;
    // A block may have come since `tip` was read: try the height from the tip now, then the other.
    const now = await rpc.getBlockCount();
    const heights = [...new Set([now - out.confirmations + 1, tip - out.confirmations + 1])];
    for (const height of heights) {
      const found = await blockHolding(rpc, chain, tx.txid, height);
      if (found !== undefined) return found;
    }
  }
  const since = tx.broadcastAt ? tx.broadcastAt.getTime() / 1000 - BLOCK_TIME_SLACK_SECONDS : undefined;
  for (let height = tip; height >= Math.max(1, tip - MAX_BLOCKS_WALKED + 1); height--) {
    const hash = await rpc.getBlockHash(height);
    const block = parseBlock(await rpc.getRawBlock(hash), { auxpow: chain.auxpow });
    if (block.transactions.some((candidate) => candidate.txid === tx.txid)) return { height, hash };
    if (since !== undefined && block.time < since) break;
  }
  return undefined;
}

async function blockHolding(rpc: ChainRpc, chain: ChainProfile, txid: string, height: number): Promise<MinedBlock | undefined> {
  const hash = await rpc.getBlockHash(height).catch(() => undefined);
  if (hash === undefined) return undefined; // the chain moved between the two calls: the next pass looks again
  const block = parseBlock(await rpc.getRawBlock(hash), { auxpow: chain.auxpow });
  return block.transactions.some((candidate) => candidate.txid === txid) ? { height, hash } : undefined;
}

/** bcoin verifies a sent transaction after answering; a big one takes a while to show up. */
const SIGHTING_ATTEMPTS = 20;
const SIGHTING_PAUSE_MS = 500;

/**
 * Sends a stored signed transaction. The node may already have it ("already known" counts as
 * sent); bcoin answers with the txid even when it drops a transaction, so success is only believed
 * once the transaction shows up in the mempool, in a block the scanner saw, or as an unspent output
 * (looked for again after each `sleep` of SIGHTING_PAUSE_MS, the caller's injected pause).
 * A refusal is checked the same way before it is believed: re-sent after a crash, a transaction
 * already mined answers like a double spend on Dogecoin Core once its outputs are spent
 * ("bad-txns-inputs-spent"), and it is in the chain all the same.
 */
export async function sendStoredTransaction(
  rpc: ChainRpc,
  tx: Pick<SettlementTransaction, 'txid' | 'inputs' | 'raw'>,
  sleep: (ms: number) => Promise<void>,
): Promise<TransactionSighting> {
  try {
    await rpc.sendRawTransaction(tx.raw, { txid: tx.txid });
  } catch (error) {
    const sighting = await sightTransaction(rpc, tx);
    if (sighting.where === 'block' || sighting.where === 'mempool') return sighting;
    if (await changeOutputOnChain(rpc, tx)) return { where: 'chain' };
    throw error;
  }
  let sighting: TransactionSighting = { where: 'nowhere' };
  for (let attempt = 1; attempt <= SIGHTING_ATTEMPTS; attempt++) {
    sighting = await sightTransaction(rpc, tx);
    if (sighting.where === 'block' || sighting.where === 'mempool' || sighting.where === 'conflict') break;
    if (await changeOutputOnChain(rpc, tx)) return { where: 'chain' };
    await sleep(SIGHTING_PAUSE_MS);
  }
  if (sighting.where === 'conflict') {
    throw new KibbleError('broadcast-rejected', `transaction ${tx.txid} conflicts with ${sighting.spentBy}, which spent ${sighting.outpoint}`, { txid: tx.txid });
  }
  if (sighting.where === 'nowhere') {
    const waited = (SIGHTING_ATTEMPTS * SIGHTING_PAUSE_MS) / 1000;
    throw new KibbleError('broadcast-rejected', `the node did not take transaction ${tx.txid}: after ${waited} s it is neither in its mempool nor in a block (see the node's log for why)`, { txid: tx.txid });
  }
  return sighting;
}

/**
 * Mined in a block the scanner has not read yet: the node knows its last output, the change when
 * it has one, which stays unspent until this month is confirmed (the next month waits for it);
 * creators may spend theirs at once.
 */
async function changeOutputOnChain(rpc: ChainRpc, tx: Pick<SettlementTransaction, 'txid' | 'raw'>): Promise<boolean> {
  const outputs = parseTransaction(Buffer.from(tx.raw, 'hex')).outputs.length;
  const out = await rpc.getTxOut(tx.txid, outputs - 1, false);
  return out !== null && out.confirmations > 0;
}

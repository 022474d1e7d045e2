import { matchBlock } from '../../chain/block-matcher';
import { parseBlock, type ParsedBlock } from '../../chain/block-parser';
import type { ChainRpc } from '../../chain/rpc-client';
import type { ChainProfile } from '../../config/chains';
import { ChainCursorModel } from '../../db/chain-cursor';
import { depositKey } from '../../db/deposit';
import { WalletOutputModel } from '../../db/wallet-output';
import type { Logger } from '../../log';
import { recordBlocks, type BlockToRecord } from './block-writes';
import { creditConfirmedDeposits } from './crediting';
import { refreshMempoolDeposits } from './mempool';
import { rollBackToForkPoint } from './reorg';
import { WatchedAddresses } from './wallet-addresses';
import { spentOutpoints } from './wallet-view';

export interface ScannerDeps {
  rpc: ChainRpc;
  chain: ChainProfile;
  minConfirmations: number;
  log: Logger;
  clock: () => Date;
  /** Height to start from on the very first run; default: the node's tip then. */
  startHeight?: number;
  /** Blocks fetched ahead concurrently (RPC round trips dominate the scan time). */
  prefetch?: number;
}

export interface ScanReport {
  fromHeight: number;
  toHeight: number;
  tip: number;
  blocks: number;
  received: number;
  spent: number;
  credited: number;
  reorgs: number;
  mempoolDeposits: number;
  seconds: number;
}

const DEFAULT_PREFETCH = 16;
const PROGRESS_EVERY_MS = 5_000;

/**
 * The deposit scanner. One instance keeps its in-memory indexes between passes; every pass
 * derives what is left to do from the database (the cursor), so a crash or a restart resumes
 * where the last stored block left off.
 */
export class DepositScanner {
  readonly #deps: ScannerDeps;
  readonly #watched: WatchedAddresses;
  /** Unspent outpoints of the service (`txid:vout`), to recognise its spends. */
  #unspent: Set<string> | undefined;

  constructor(deps: ScannerDeps) {
    this.#deps = deps;
    this.#watched = new WatchedAddresses(deps.chain);
  }

  async scanOnce(): Promise<ScanReport> {
    const { rpc, log, clock } = this.#deps;
    const started = Date.now();
    const watch = await this.#watched.refresh();
    const unspent = await this.#loadUnspent();
    let cursor = await this.#loadCursor();
    const report: ScanReport = { fromHeight: cursor.height, toHeight: cursor.height, tip: 0, blocks: 0, received: 0, spent: 0, credited: 0, reorgs: 0, mempoolDeposits: 0, seconds: 0 };
    let lastProgress = Date.now();

    const prefetch = this.#deps.prefetch ?? DEFAULT_PREFETCH;
    /** The next batch, fetched while the current one is stored (the two are independent). */
    let ahead: { from: number; heights: number[]; blocks: Promise<Array<ParsedBlock | undefined>> } | undefined;
    for (;;) {
      const [tip, cursorHash] = await Promise.all([rpc.getBlockCount(), rpc.getBlockHash(cursor.height).catch(() => undefined)]);
      report.tip = tip;
      if (cursorHash !== cursor.hash) {
        ahead = undefined;
        cursor = await this.#rollBack(cursor.height, report);
        continue;
      }
      if (cursor.height >= tip) break;
      // Blocks fetched ahead are checked like any others: each must link to the one before it.
      const fetched = ahead?.from === cursor.height + 1 ? ahead : this.#fetchBatch(range(cursor.height + 1, Math.min(tip, cursor.height + prefetch)));
      ahead = undefined;
      const heights = fetched.heights;
      const blocks = await fetched.blocks;
      const batch: BlockToRecord[] = [];
      let batchEnd = cursor;
      for (const [i, block] of blocks.entries()) {
        const height = heights[i] as number;
        if (block === undefined || block.prevHash !== batchEnd.hash) break; // a reorg: checked at the top
        const matches = matchBlock(block, watch, (txid, vout) => unspent.has(depositKey(txid, vout)));
        // The set runs ahead of the database until the batch is stored (later blocks of the
        // batch may spend what earlier ones received); it is reloaded if storing fails.
        for (const r of matches.received) unspent.add(depositKey(r.txid, r.vout));
        for (const s of matches.spent) unspent.delete(depositKey(s.txid, s.vout));
        batch.push({ block: { hash: block.hash, prevHash: block.prevHash, height }, matches });
        batchEnd = { height, hash: block.hash };
      }
      if (batch.length === heights.length && batchEnd.height < tip) {
        ahead = this.#fetchBatch(range(batchEnd.height + 1, Math.min(tip, batchEnd.height + prefetch)));
      }
      try {
        report.credited += await recordBlocks(batch, clock(), { tip, minConfirmations: this.#deps.minConfirmations, chain: this.#deps.chain });
      } catch (error) {
        this.#unspent = undefined;
        throw error;
      }
      for (const { matches } of batch) {
        report.received += matches.received.length;
        report.spent += matches.spent.length;
      }
      report.blocks += batch.length;
      cursor = batchEnd;
      await ChainCursorModel.updateOne({ _id: this.#deps.chain.name }, { $set: { ...cursor, updatedAt: clock() } });
      report.toHeight = cursor.height;
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        log.info({ height: cursor.height, tip, blocksPerSecond: rate(report.blocks, started) }, 'scanning blocks');
      }
    }

    report.credited += await creditConfirmedDeposits(report.tip, this.#deps.minConfirmations, this.#deps.chain, clock());
    report.mempoolDeposits = await refreshMempoolDeposits(rpc, watch, clock());
    report.seconds = (Date.now() - started) / 1000;
    if (report.blocks > 0 || report.credited > 0 || report.reorgs > 0) {
      log.info({ ...report, blocksPerSecond: rate(report.blocks, started) }, 'scan pass done');
    }
    return report;
  }

  #fetchBatch(heights: number[]): { from: number; heights: number[]; blocks: Promise<Array<ParsedBlock | undefined>> } {
    const blocks = Promise.all(heights.map((height) => this.#fetchBlock(height)));
    blocks.catch(() => undefined); // awaited later, or dropped (a reorg, a failed store): never unhandled
    return { from: heights[0] as number, heights, blocks };
  }

  async #fetchBlock(height: number): Promise<ParsedBlock | undefined> {
    const { rpc, chain } = this.#deps;
    try {
      const hash = await rpc.getBlockHash(height);
      return parseBlock(await rpc.getRawBlock(hash), { auxpow: chain.auxpow });
    } catch (error) {
      // The chain got shorter under us (a reorg): the next round finds out and rolls back.
      if (height > (await rpc.getBlockCount())) return undefined;
      throw error;
    }
  }

  async #rollBack(fromHeight: number, report: ScanReport): Promise<{ height: number; hash: string }> {
    const fork = await rollBackToForkPoint(this.#deps.chain.name, this.#deps.rpc, fromHeight, this.#deps.clock());
    report.reorgs += 1;
    this.#deps.log.warn({ fromHeight, forkHeight: fork.forkHeight }, 'reorg: rolled back to the fork point');
    this.#unspent = undefined;
    await this.#loadUnspent();
    return { height: fork.forkHeight, hash: fork.forkHash };
  }

  async #loadUnspent(): Promise<Set<string>> {
    if (this.#unspent === undefined) {
      const [rows, spent] = await Promise.all([WalletOutputModel.find({ status: 'unspent' }, { _id: 1 }).lean(), spentOutpoints()]);
      this.#unspent = new Set(rows.map((row) => row._id).filter((key) => !spent.has(key)));
    }
    return this.#unspent;
  }

  async #loadCursor(): Promise<{ height: number; hash: string }> {
    const { chain, rpc, clock } = this.#deps;
    const stored = await ChainCursorModel.findById(chain.name).lean();
    if (stored) return { height: stored.height, hash: stored.hash };
    const height = this.#deps.startHeight ?? (await rpc.getBlockCount());
    const hash = await rpc.getBlockHash(height);
    await ChainCursorModel.updateOne({ _id: chain.name }, { $setOnInsert: { height, hash, updatedAt: clock() } }, { upsert: true });
    this.#deps.log.info({ height, hash }, 'scanner starts at this block (its own outputs are not scanned)');
    const created = await ChainCursorModel.findById(chain.name).lean();
    return { height: created?.height ?? height, hash: created?.hash ?? hash };
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

function rate(blocks: number, startedMs: number): number {
  const seconds = (Date.now() - startedMs) / 1000;
  return seconds > 0 ? Math.round((blocks / seconds) * 10) / 10 : 0;
}

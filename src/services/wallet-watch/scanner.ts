import { matchBlock } from '../../chain/block/block-matcher';
import type { ChainRpc } from '../../node/rpc-client';
import type { ChainProfile } from '../../chain/profiles';
import type { WatchIndex } from '../../chain/block/watch-index';
import { KibbleError } from '../../errors';
import { settleAll } from '../../settle-all';
import { prepareJournalWrites } from '../ledger/ledger-store';
import type { Logger } from '../../log';
import { BlockFetcher, heightRange } from './block-fetcher';
import { recordBlocks, type BlockToRecord } from './block-writes';
import { createChainCursorOnce, moveChainCursor, readChainCursor, type StoredChainCursor } from './chain-cursor-store';
import { creditConfirmedDeposits } from './crediting';
import { depositKey } from './deposit-store';
import { refreshMempoolDeposits } from './mempool';
import { finishInterruptedRollBack, rollBackStaleAbove, rollBackToForkPoint, type RollBackHooks } from './reorg';
import { WatchedAddresses } from './watched-addresses';
import { unspentWalletOutpoints } from './wallet-view';

export interface ScannerDeps {
  rpc: ChainRpc;
  chain: ChainProfile;
  minConfirmations: number;
  log: Logger;
  clock: () => Date;
  /** Height to start from on the very first run; default: the node's tip then. */
  startHeight?: number;
  /** Blocks per fetch group: one JSON-RPC batch of getblock (round trips dominate the fetch; block-fetcher.ts). */
  prefetch?: number;
  /** Blocks stored per write batch (each batch is a few database round trips and one cursor move). */
  writeBatch?: number;
  /**
   * Called when a batch's deposit documents are stored and their credit journals are next
   * (`deposits-stored`, batches with deposits only), and when a batch's writes are done and its
   * cursor move is next (`batch-recorded`), with the heights of the batch (crash tests throw there). Batches' writes overlap, so the calls may come out of order.
   * A reorg's rollback calls it when its reversal journals are written and the deposits' statuses
   * are next (`reversals-written`), and when its records are rolled back and the cursor's reset is
   * next (`rolled-back`), with the heights rolled back.
   */
  checkpoint?: (name: CheckpointName, blocks: { fromHeight: number; toHeight: number }) => void | Promise<void>;
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
  /** Lowest fork point a reorg in this pass rolled back to, else null. */
  rolledBackTo: number | null;
  /** Set when the pass stopped early on request; the next pass resumes from `toHeight`. */
  interrupted?: true;
}

export interface ScanOptions {
  /**
   * Asked before each batch is written (the lease holder's check, see jobs/scanner-lease.ts);
   * when it answers false the pass stops with a `lease-held` error, writing nothing more.
   */
  stillLeased?: () => Promise<boolean>;
  /** Asked before each batch too: true ends the pass early (an operator's Ctrl-C), report marked `interrupted`. */
  stopRequested?: () => boolean;
}

export type CheckpointName = 'deposits-stored' | 'batch-recorded' | 'reversals-written' | 'rolled-back';

interface Cursor {
  height: number;
  hash: string;
}

const DEFAULT_PREFETCH = 16;
const DEFAULT_WRITE_BATCH = 32;
/** Batches whose writes run at the same time (the database works on several inserts at once). */
const STORES_IN_FLIGHT = 2;
/** A write batch also ends once it holds this many received and spent outputs (bounded writes). */
const WRITE_BATCH_ROWS = 5_000;
const PROGRESS_EVERY_MS = 5_000;

/**
 * The deposit scanner. One instance keeps its in-memory indexes between passes; every pass
 * derives what is left to do from the database (the cursor), so a crash or a restart resumes
 * where the last stored block left off.
 *
 * The in-memory view (the wallet's unspent outpoints, the watched addresses) is only right while
 * this instance is the only writer. Another process (another instance after a lease takeover, an
 * operator's `kibble scan`) records outputs this view would not know, and their spends would go
 * unmatched. So the view is dropped and reloaded whenever another writer may have been at work:
 * when the stored cursor is not where this instance left it, when the lease is (re)taken
 * (`forgetWalletView`, called by jobs/scanner-lease.ts), and when a pass fails. The cursor write
 * itself is conditional on the cursor this pass read, so a writer racing it mid-pass is noticed.
 * On the hot path (a pass every few seconds, nobody else writing) this costs nothing beyond the
 * cursor read every pass does anyway; the reload, which reads every wallet output and spend, runs
 * only on those events. Checking each transaction input of each block against the database for
 * outpoints the set does not know would be the other way, but that is a lookup per input per
 * block, unindexed on FerretDB, whose cost grows with the wallet's history.
 */
export class DepositScanner {
  readonly #deps: ScannerDeps;
  readonly #watched: WatchedAddresses;
  /** Blocks per fetch group. */
  readonly #prefetch: number;
  /** Unspent outpoints of the service (`txid:vout`), to recognise its spends. */
  #unspent: Set<string> | undefined;
  /** The cursor as this instance last stored or read it: if the stored one differs, someone else wrote. */
  #leftAt: Cursor | undefined;

  constructor(deps: ScannerDeps) {
    this.#deps = deps;
    this.#prefetch = Math.max(deps.prefetch ?? DEFAULT_PREFETCH, 1);
    this.#watched = new WatchedAddresses(deps.chain, { clock: deps.clock });
  }

  /** Drops the in-memory view; the next pass reloads it from the database. */
  forgetWalletView(reason: string): void {
    if (this.#unspent !== undefined) this.#deps.log.info({ reason }, 'scanner reloads its view of the wallet');
    this.#unspent = undefined;
    this.#leftAt = undefined;
    this.#watched.forget();
  }

  async scanOnce(options: ScanOptions = {}): Promise<ScanReport> {
    try {
      return await this.#pass(options);
    } catch (error) {
      // Part of a batch may be stored and the set may run ahead of it: start afresh.
      this.forgetWalletView('a scan pass failed');
      throw error;
    }
  }

  async #pass(options: ScanOptions): Promise<ScanReport> {
    const { rpc, log, clock } = this.#deps;
    const started = Date.now();
    const storedCursor = await this.#loadCursor();
    if (this.#leftAt !== undefined && !sameCursor(this.#leftAt, storedCursor)) {
      this.forgetWalletView(`the stored cursor moved from ${this.#leftAt.height} to ${storedCursor.height}: another process scanned`);
    }
    // A rollback that stopped part-way is finished first, whatever the chain looks like now
    // (reorg.ts says why); the view is then of the fork point.
    const interruptedAbove = storedCursor.rollingBackAbove;
    let cursor: Cursor = { height: storedCursor.height, hash: storedCursor.hash };
    if (interruptedAbove !== undefined) {
      cursor = await finishInterruptedRollBack(this.#deps.chain.name, storedCursor, rpc, clock());
      this.forgetWalletView(`a rollback of the blocks above ${interruptedAbove} stopped part-way: finished`);
    }
    // A view to (re)load means this instance starts, or may follow a pass that stopped half-way:
    // what such a pass left above the cursor may be of blocks that have left the chain since.
    const staleFrom = this.#unspent === undefined ? await rollBackStaleAbove(this.#deps.chain.name, cursor.height, rpc, clock()) : undefined;
    // The node's tip and its hash at the cursor (the loop's first check), and the ledger's one-time
    // read before its first journal (ledger-store.ts), are asked while the view is read: a round
    // trip each off a pass that may have little else to do. Both reads settle before a failure is
    // thrown (settle-all.ts).
    let firstCheck: Promise<TipCheck> | undefined = this.#askTip(cursor.height);
    firstCheck.catch(() => undefined); // awaited by the loop's first check, or dropped with a failed view read
    const [view] = await settleAll([this.#loadView(), prepareJournalWrites()]);
    const { watch } = view;
    let unspent = view.unspent;
    this.#leftAt = cursor;
    const report: ScanReport = { fromHeight: cursor.height, toHeight: cursor.height, tip: 0, blocks: 0, received: 0, spent: 0, credited: 0, reorgs: 0, mempoolDeposits: 0, seconds: 0, rolledBackTo: null };
    if (interruptedAbove !== undefined) {
      countRollBack(report, interruptedAbove);
      log.warn({ cursorHeight: storedCursor.height, rolledBackAbove: interruptedAbove }, 'a rollback that stopped part-way is finished: the blocks above are scanned again');
    }
    if (staleFrom !== undefined) {
      countRollBack(report, staleFrom - 1);
      log.warn({ cursorHeight: cursor.height, staleFrom }, 'records an interrupted pass left above the cursor are of blocks that left the chain: rolled back');
    }
    let lastProgress = Date.now();

    const writeBatch = Math.max(this.#deps.writeBatch ?? DEFAULT_WRITE_BATCH, 1);
    const fetcher = new BlockFetcher(rpc, this.#deps.chain, this.#prefetch);
    /**
     * The stores of the last batches (their writes, then their cursor moves), running while the
     * next batch is fetched and matched. The writes of up to STORES_IN_FLIGHT batches run at once
     * (they are inserts by natural keys, in any order the same); the cursor moves in order, each
     * once its batch's writes and the batch before are done, so the stored cursor never passes a
     * block whose writes are not all there. `storing` is the last store, which settles only after
     * every earlier one; `cursor` is where the matched blocks end, stored or not yet.
     */
    let storing: Promise<void> | undefined;
    let storesInFlight: Promise<void>[] = [];
    const stored = async (): Promise<void> => {
      const pending = storing;
      storing = undefined;
      storesInFlight = [];
      if (pending !== undefined) await pending;
    };
    /**
     * The tip and the node's hash at the cursor are asked at the start, when the known tip is
     * reached, and after a block did not link. In between, every block fetched is checked to link
     * to the one before it (down to the cursor), which is what notices a reorg.
     */
    let tip = 0;
    let recheck = true;
    try {
      for (;;) {
        if (options.stillLeased !== undefined && !(await options.stillLeased())) {
          throw new KibbleError('lease-held', `the scanner lease was lost during the pass at height ${cursor.height}; it stopped there and the next holder resumes from the stored cursor`);
        }
        if (options.stopRequested?.() === true) {
          report.interrupted = true;
          break;
        }
        if (recheck || cursor.height >= tip) {
          const { tip: nodeTip, cursorHash, hashesAbove } = await (firstCheck ?? this.#askTip(cursor.height));
          firstCheck = undefined;
          tip = nodeTip;
          // What was fetched ahead is of the chain as it was: started afresh from the cursor.
          fetcher.reset();
          fetcher.knowHashes(cursor.height + 1, hashesAbove);
          report.tip = tip;
          if (cursorHash !== cursor.hash) {
            await stored();
            cursor = await this.#rollBack(cursor.height, report);
            unspent = await this.#loadUnspent(); // the view as of the fork point, not the one before it
            continue;
          }
          recheck = false;
        }
        if (cursor.height >= tip) break;
        // Blocks are fetched a group at a time, later groups while this one is matched, and
        // stored a write batch at a time: each write is a few round trips whatever its size.
        const batch: BlockToRecord[] = [];
        let batchEnd = cursor;
        let rows = 0;
        while (batch.length < writeBatch && rows < WRITE_BATCH_ROWS && batchEnd.height < tip) {
          const fetched = fetcher.groupFrom(batchEnd.height + 1, tip);
          const blocks = await fetched.blocks;
          let linked = true;
          for (const [i, block] of blocks.entries()) {
            const height = fetched.from + i;
            if (block === undefined || block.prevHash !== batchEnd.hash) {
              linked = false; // a reorg: checked at the top
              break;
            }
            const matches = matchBlock(block, watch, (txid, vout) => unspent.has(depositKey(txid, vout)));
            // The set runs ahead of the database until the batch is stored (later blocks of the
            // batch may spend what earlier ones received); it is reloaded if storing fails.
            for (const r of matches.received) unspent.add(depositKey(r.txid, r.vout));
            for (const s of matches.spent) unspent.delete(depositKey(s.txid, s.vout));
            batch.push({ block: { hash: block.hash, prevHash: block.prevHash, height }, matches });
            rows += matches.received.length + matches.spent.length;
            batchEnd = { height, hash: block.hash };
          }
          if (!linked) {
            fetcher.reset();
            recheck = true;
            break;
          }
        }
        if (batch.length === 0) continue; // the first block did not link: the top of the loop rolls back
        if (storesInFlight.length >= STORES_IN_FLIGHT) await storesInFlight.shift();
        const from = cursor;
        const batchTip = tip;
        const previous = storing;
        const store = async (): Promise<void> => {
          const heights = { fromHeight: from.height + 1, toHeight: batchEnd.height };
          const credited = await recordBlocks(batch, clock(), { tip: batchTip, minConfirmations: this.#deps.minConfirmations, chain: this.#deps.chain }, {
            depositsStored: () => this.#deps.checkpoint?.('deposits-stored', heights),
          });
          await this.#deps.checkpoint?.('batch-recorded', heights);
          if (previous !== undefined) await previous;
          report.credited += credited;
          await this.#storeCursor(from, batchEnd);
          for (const { matches } of batch) {
            report.received += matches.received.length;
            report.spent += matches.spent.length;
          }
          report.blocks += batch.length;
          report.toHeight = batchEnd.height;
          if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = Date.now();
            log.info({ height: batchEnd.height, tip, blocksPerSecond: rate(report.blocks, started) }, 'scanning blocks');
          }
        };
        storing = store();
        storing.catch(() => undefined); // awaited by the next store or at the end: never unhandled
        storesInFlight.push(storing);
        cursor = batchEnd;
      }
    } catch (error) {
      // No write of this pass may run on after it: the next pass (or another instance) would race it.
      await storing?.catch(() => undefined);
      throw error;
    }
    // The mempool's deposits are in no block this pass stores, and no rollback comes after the
    // loop: they are listed while the last batches are written. Crediting what is now deep enough
    // reads the deposits those batches store pending, so it comes after them. Everything settles
    // before a failure is thrown.
    const [, mempoolDeposits] = await settleAll([stored(), refreshMempoolDeposits(rpc, watch, clock())]);
    report.credited += await creditConfirmedDeposits(report.tip, this.#deps.minConfirmations, this.#deps.chain, clock());
    report.mempoolDeposits = mempoolDeposits;
    report.seconds = (Date.now() - started) / 1000;
    if (report.blocks > 0 || report.credited > 0 || report.reorgs > 0) {
      log.info({ ...report, blocksPerSecond: rate(report.blocks, started) }, 'scan pass done');
    }
    return report;
  }

  /**
   * The node's tip, its hash at `height` (undefined when the node has no block there) and the
   * hashes of the group of blocks above it, which the first fetch then does not wait for (on a
   * pass with nothing new, a few lookups that find no block, in the same request).
   */
  async #askTip(height: number): Promise<TipCheck> {
    const { rpc } = this.#deps;
    const [tip, hashes] = await Promise.all([rpc.getBlockCount(), rpc.getBlockHashes(heightRange(height, height + this.#prefetch))]);
    return { tip, cursorHash: hashes[0], hashesAbove: hashes.slice(1) };
  }

  async #rollBack(fromHeight: number, report: ScanReport): Promise<Cursor> {
    const fork = await rollBackToForkPoint(this.#deps.chain.name, this.#deps.rpc, fromHeight, this.#deps.clock(), this.#rollBackHooks(fromHeight));
    countRollBack(report, fork.forkHeight);
    report.toHeight = fork.forkHeight;
    this.#deps.log.warn({ fromHeight, forkHeight: fork.forkHeight }, 'reorg: rolled back to the fork point');
    this.#unspent = undefined;
    await this.#loadUnspent();
    this.#leftAt = { height: fork.forkHeight, hash: fork.forkHash };
    return this.#leftAt;
  }

  /** The crash hooks of a rollback of the blocks from above its fork point up to `toHeight`. */
  #rollBackHooks(toHeight: number): RollBackHooks {
    const checkpoint = this.#deps.checkpoint;
    if (checkpoint === undefined) return {};
    return {
      reversalsWritten: (above) => checkpoint('reversals-written', { fromHeight: above + 1, toHeight }),
      rolledBack: (above) => checkpoint('rolled-back', { fromHeight: above + 1, toHeight }),
    };
  }

  /**
   * Moves the stored cursor from `from` to `to`, only if it is still at `from`: a cursor moved by
   * another writer during this pass means two scanners ran at once (a lease lost unnoticed);
   * this one stops and reloads its view, and the next pass resumes from wherever the cursor is.
   */
  async #storeCursor(from: Cursor, to: Cursor): Promise<void> {
    if (!(await moveChainCursor(this.#deps.chain.name, from, to, this.#deps.clock()))) {
      throw new KibbleError('lease-held', `another process moved the scanner cursor during this pass (expected height ${from.height}); this pass stopped`);
    }
    this.#leftAt = to;
  }

  async #loadView(): Promise<{ watch: WatchIndex; unspent: Set<string> }> {
    const watch = await this.#watched.refresh();
    return { watch, unspent: await this.#loadUnspent() };
  }

  async #loadUnspent(): Promise<Set<string>> {
    if (this.#unspent === undefined) {
      this.#unspent = await unspentWalletOutpoints();
    }
    return this.#unspent;
  }

  async #loadCursor(): Promise<StoredChainCursor> {
    const { chain, rpc, clock } = this.#deps;
    const stored = await readChainCursor(chain.name);
    if (stored) return stored;
    const height = this.#deps.startHeight ?? (await rpc.getBlockCount());
    const hash = await rpc.getBlockHash(height);
    this.#deps.log.info({ height, hash }, 'scanner starts at this block (its own outputs are not scanned)');
    return createChainCursorOnce(chain.name, { height, hash }, clock());
  }
}

/** One more rollback in this pass, to above `forkHeight`: the report keeps the lowest. */
function countRollBack(report: ScanReport, forkHeight: number): void {
  report.reorgs += 1;
  report.rolledBackTo = Math.min(report.rolledBackTo ?? forkHeight, forkHeight);
}

/** What the loop checks against the node: see #askTip. */
interface TipCheck {
  tip: number;
  cursorHash: string | undefined;
  hashesAbove: Array<string | undefined>;
}

function sameCursor(a: Cursor, b: Cursor): boolean {
  return a.height === b.height && a.hash === b.hash;
}

function rate(blocks: number, startedMs: number): number {
  const seconds = (Date.now() - startedMs) / 1000;
  return seconds > 0 ? Math.round((blocks / seconds) * 10) / 10 : 0;
}

import type { DepositScanner, ScanOptions, ScanReport } from '../services/wallet-watch/scanner';
import { SlotLease } from '../db/lease';
import { advanceWalletCheckpoint, WALLET_CHECKPOINT_DEPTH } from '../services/wallet-watch/wallet-checkpoint';

/** The one lease every scanning pass runs under: `kibble serve`'s loop and `kibble scan` alike. */
export const SCANNER_LEASE_NAME = 'scanner';
export const SCANNER_LEASE_SLOT_MS = 30_000;

/** `slotMs`: SCANNER_LEASE_SECONDS; every process scanning one database must use the same. */
export function scannerLease(holder: string, clock: () => Date, slotMs: number = SCANNER_LEASE_SLOT_MS): SlotLease {
  return new SlotLease(SCANNER_LEASE_NAME, holder, slotMs, clock);
}

/**
 * Runs scanner passes only while this process holds the scanner lease, and keeps the scanner's
 * in-memory view honest across holders: whenever this instance (re)takes the lease after not
 * holding it, another holder may have recorded outputs and spends in between, so the view is
 * dropped and reloaded from the database. During a long pass (a catch-up) the lease is renewed
 * between batches; a pass that finds it lost stops before writing anything more. After each pass
 * the wallet's checkpoint is moved up when due (services/wallet-watch/wallet-checkpoint.ts): two
 * point reads on most passes, a rewrite every `checkpointDepth` blocks or so.
 */
export class LeasedScanner {
  /** When this instance last saw itself holding the lease (ms), or undefined when it did not. */
  #heldAt: number | undefined;

  constructor(
    readonly scanner: DepositScanner,
    readonly lease: SlotLease,
    readonly checkpointDepth: number = WALLET_CHECKPOINT_DEPTH,
  ) {}

  /** One pass; undefined when another instance holds the lease now. */
  async pass(options: Pick<ScanOptions, 'stopRequested'> = {}): Promise<ScanReport | undefined> {
    if (!(await this.lease.holds())) {
      this.#heldAt = undefined;
      return undefined;
    }
    const now = this.#now();
    // Not held at the last look, or so long ago that a whole slot went by: another holder may
    // have had it meanwhile (a stalled process sees only that it holds it again).
    if (this.#heldAt === undefined || now - this.#heldAt > this.lease.slotMs) this.scanner.forgetWalletView('the scanner lease was (re)taken');
    this.#heldAt = now;
    try {
      const report = await this.scanner.scanOnce({ ...options, stillLeased: () => this.#stillHolds() });
      await advanceWalletCheckpoint(report.toHeight, this.lease.clock(), this.checkpointDepth);
      return report;
    } catch (error) {
      this.#heldAt = undefined;
      throw error;
    }
  }

  /**
   * Keeps the lease between passes when they are further apart than a third of a slot (a long
   * SCAN_INTERVAL_SECONDS): held without a gap, it is not retaken, and the view is not reloaded.
   */
  async renew(): Promise<void> {
    const held = await this.lease.holds();
    const now = this.#now();
    // Taken afresh by this call (not held before, or a gap): left unmarked, so the next pass
    // counts it as a retake and reloads the view.
    this.#heldAt = held && this.#heldAt !== undefined && now - this.#heldAt <= this.lease.slotMs ? now : undefined;
  }

  /** Gives the lease up (shutdown, end of a CLI pass); a later pass here counts as a retake. */
  async release(): Promise<void> {
    this.#heldAt = undefined;
    await this.lease.release();
  }

  /**
   * Between batches: asks the database at most a few times per slot (each ask renews ahead). A
   * pass stalled for more than a slot counts as having lost it: another holder may have written.
   */
  async #stillHolds(): Promise<boolean> {
    const now = this.#now();
    if (this.#heldAt === undefined || now - this.#heldAt > this.lease.slotMs) return false;
    if (now - this.#heldAt < this.lease.slotMs / 6) return true;
    if (!(await this.lease.holds())) return false;
    this.#heldAt = now;
    return true;
  }

  #now(): number {
    return this.lease.clock().getTime();
  }
}

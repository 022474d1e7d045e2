import { isKibbleError } from '../errors';
import type { Logger } from '../log';
import type { ScanReport } from '../services/wallet-watch/scanner';
import { repeatEvery, type RunningLoop } from './repeat';
import type { LeasedScanner } from './scanner-lease';

/**
 * Runs the deposit scanner every `intervalMs` while this instance holds the scanner lease (see
 * LeasedScanner). A pass that fails is logged and retried at the next tick: every pass resumes
 * from the stored cursor. `onReport` sees the report of each successful pass (the metrics'
 * `recordScan`); if it throws, that is logged and the loop goes on.
 */
export function startScannerLoop(scanner: LeasedScanner, intervalMs: number, log: Logger, onReport?: (report: ScanReport) => void): RunningLoop {
  // The lease is renewed only when asked in the last third of its slot: with passes further apart
  // than that, ticks in between just renew it (see LeasedScanner.renew).
  const tickMs = Math.min(intervalMs, Math.floor(scanner.lease.slotMs / 3));
  const now = (): number => scanner.lease.clock().getTime();
  let lastPassAt = Number.NEGATIVE_INFINITY;
  const tick = async (): Promise<void> => {
    try {
      if (now() - lastPassAt < intervalMs) {
        await scanner.renew();
        return;
      }
      lastPassAt = now();
      const report = await scanner.pass();
      if (report === undefined) return; // another instance holds the lease
      try {
        onReport?.(report);
      } catch (error) {
        log.error({ err: error }, 'the scan report callback failed');
      }
    } catch (error) {
      if (isKibbleError(error, 'lease-held')) log.warn({ err: error }, 'deposit scan pass stopped: the scanner lease moved to another instance');
      else log.error({ err: error }, 'deposit scan pass failed; retrying at the next interval');
    }
  };
  const loop = repeatEvery(tickMs, tick);

  return {
    async stop() {
      await loop.stop();
      await scanner.release().catch(() => undefined);
    },
  };
}

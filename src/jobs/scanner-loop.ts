import type { Logger } from '../log';
import type { DepositScanner, ScanReport } from '../services/deposits/scanner';
import type { SlotLease } from './lease';
import { repeatEvery, type RunningLoop } from './repeat';

/**
 * Runs the deposit scanner every `intervalMs` while this instance holds the scanner lease. A pass
 * that fails is logged and retried at the next tick: every pass resumes from the stored cursor.
 * `onReport` sees the report of each successful pass (the metrics' `recordScan`); if it throws,
 * that is logged and the loop goes on.
 */
export function startScannerLoop(
  scanner: DepositScanner,
  lease: SlotLease,
  intervalMs: number,
  log: Logger,
  onReport?: (report: ScanReport) => void,
): RunningLoop {
  const tick = async (): Promise<void> => {
    try {
      if (!(await lease.holds())) return;
      const report = await scanner.scanOnce();
      try {
        onReport?.(report);
      } catch (error) {
        log.error({ err: error }, 'the scan report callback failed');
      }
    } catch (error) {
      log.error({ err: error }, 'deposit scan pass failed; retrying at the next interval');
    }
  };
  const loop = repeatEvery(intervalMs, tick);

  return {
    async stop() {
      await loop.stop();
      await lease.release().catch(() => undefined);
    },
  };
}

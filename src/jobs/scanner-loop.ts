import type { Logger } from '../log';
import type { DepositScanner } from '../services/deposits/scanner';
import type { SlotLease } from './lease';

export interface RunningLoop {
  stop(): Promise<void>;
}

/**
 * Runs the deposit scanner every `intervalMs` while this instance holds the scanner lease. A pass
 * that fails is logged and retried at the next tick: every pass resumes from the stored cursor.
 */
export function startScannerLoop(scanner: DepositScanner, lease: SlotLease, intervalMs: number, log: Logger): RunningLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    try {
      if (await lease.holds()) await scanner.scanOnce();
    } catch (error) {
      log.error({ err: error }, 'deposit scan pass failed; retrying at the next interval');
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, intervalMs);
  };
  current = tick().finally(schedule);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      await lease.release().catch(() => undefined);
    },
  };
}

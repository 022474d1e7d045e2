import type { Logger } from '../log';
import { removeExpiredSessions } from '../services/sessions';
import type { RunningLoop } from './scanner-loop';

/**
 * Deletes what no reader needs any more: expired sessions and old revocations. Every instance may
 * run it (the deletes are idempotent), so it needs no lease. The first pass runs at once.
 */
export function startHousekeeping(options: { intervalMs: number; clock: () => Date; log: Logger }): RunningLoop {
  const { log } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    try {
      const removed = await removeExpiredSessions(options.clock());
      if (removed > 0) log.info({ removed }, 'removed expired sessions and revocations');
    } catch (error) {
      log.error({ err: error }, 'housekeeping failed; retrying at the next interval');
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, options.intervalMs);
  };
  current = tick().finally(schedule);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

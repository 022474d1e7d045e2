import type { Logger } from '../log';
import { removeExpiredSessions } from '../services/sessions';
import { repeatEvery, type RunningLoop } from './repeat';

/**
 * Deletes what no reader needs any more: expired sessions and old revocations. Every instance may
 * run it (the deletes are idempotent), so it needs no lease. The first pass runs at once.
 */
export function startHousekeeping(options: { intervalMs: number; clock: () => Date; log: Logger }): RunningLoop {
  const { log } = options;
  return repeatEvery(options.intervalMs, async () => {
    try {
      const removed = await removeExpiredSessions(options.clock());
      if (removed > 0) log.info({ removed }, 'removed expired sessions and revocations');
    } catch (error) {
      log.error({ err: error }, 'housekeeping failed; retrying at the next interval');
    }
  });
}

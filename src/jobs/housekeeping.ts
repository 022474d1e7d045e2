import type { Logger } from '../log';
import { removeExpiredRateLimitHits } from '../services/rate-limits';
import { removeExpiredSessions } from '../services/accounts/sessions';
import { removeExpiredAccountTokens } from '../services/accounts/account-tokens';
import { repeatEvery, type RunningLoop } from './repeat';

/**
 * Deletes what no reader needs any more: expired sessions, old revocations and the hits of ended
 * rate-limit windows (windows last at most an hour, so an hourly pass keeps two hours' worth at
 * most). Every instance may run it (the deletes are idempotent), so it needs no lease. The first
 * pass runs at once.
 */
export function startHousekeeping(options: { intervalMs: number; clock: () => Date; log: Logger }): RunningLoop {
  const { log } = options;
  return repeatEvery(options.intervalMs, async () => {
    try {
      const now = options.clock();
      const removed = await removeExpiredSessions(now);
      if (removed > 0) log.info({ removed }, 'removed expired sessions and revocations');
      const rateLimitHits = await removeExpiredRateLimitHits(now);
      if (rateLimitHits > 0) log.info({ removed: rateLimitHits }, 'removed the hits of ended rate-limit windows');
      const tokens = await removeExpiredAccountTokens(now);
      if (tokens > 0) log.info({ removed: tokens }, 'removed expired links sent by mail (confirmation, password reset)');
    } catch (error) {
      log.error({ err: error }, 'housekeeping failed; retrying at the next interval');
    }
  });
}

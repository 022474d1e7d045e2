import type { Logger } from '../log';
import { deliverDueMails, type MailWorkerDeps } from '../services/mail/worker';
import { repeatEvery, type RunningLoop } from './repeat';

/**
 * Sends queued mail every `intervalMs` while this instance holds the mail lease (any number of
 * instances may run it; one sends). A failed pass is logged and the next one resumes from the
 * outbox. Stopping waits for the mail in progress, then gives the lease up.
 */
export function startMailLoop(deps: MailWorkerDeps, intervalMs: number, log: Logger): RunningLoop {
  const loop = repeatEvery(intervalMs, async () => {
    try {
      const report = await deliverDueMails(deps);
      if (report !== undefined && report.sent + report.failed + report.retried + report.skipped > 0) log.info(report, 'mail pass');
    } catch (error) {
      log.error({ err: error }, 'mail pass failed; retrying at the next interval');
    }
  });
  return {
    async stop() {
      await loop.stop();
      await deps.lease.release().catch(() => undefined);
      deps.transport.close();
    },
  };
}

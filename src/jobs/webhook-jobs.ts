import { SlotLease } from '../db/lease';
import type { Logger } from '../log';
import { webhookPass, type WebhookDeps } from '../services/webhooks/delivery';
import { repeatEvery, type RunningLoop } from './repeat';

/** One instance at a time fans events out and sends webhooks, however many are deployed. */
export const WEBHOOK_LEASE_NAME = 'webhooks';

export function webhookLease(holder: string, clock: () => Date, slotMs: number): SlotLease {
  return new SlotLease(WEBHOOK_LEASE_NAME, holder, slotMs, clock);
}

/**
 * A webhook pass every `intervalMs` while this instance holds the lease (a pass shorter than a
 * third of a slot keeps it). A failed pass is logged and the next one retries: deliveries are
 * pending until marked delivered, so nothing is lost.
 */
export function startWebhookJobs(deps: WebhookDeps, lease: SlotLease, intervalMs: number, log: Logger): RunningLoop {
  return repeatEvery(Math.min(intervalMs, Math.floor(lease.slotMs / 3)), async () => {
    try {
      if (!(await lease.holds())) return;
      const report = await webhookPass(deps);
      if (report.delivered + report.failed > 0) log.info(report, 'webhook pass');
    } catch (error) {
      log.error({ err: error }, 'webhook pass failed; retrying at the next interval');
    }
  });
}

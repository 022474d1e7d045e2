import { SlotLease } from '../db/lease';
import type { Logger } from '../log';
import { mailYesterdaysDigests } from '../services/notifications/digest-mails';
import { mailNewEvents } from '../services/notifications/event-mails';
import type { NotifyDeps } from '../services/notifications/notify-deps';
import { runOperatorAlerts, type OperatorAlertOptions } from '../services/notifications/operator-alerts';
import { mailFundingReminders } from '../services/notifications/reminder-mails';
import { mailConfirmedMonths } from '../services/notifications/statement-mails';
import { repeatEvery, type RunningLoop } from './repeat';

/** The one lease the notification passes run under: one instance tells, however many run. */
export const NOTIFICATIONS_LEASE_NAME = 'notifications';

export function notificationsLease(holder: string, clock: () => Date, slotMs: number): SlotLease {
  return new SlotLease(NOTIFICATIONS_LEASE_NAME, holder, slotMs, clock);
}

export interface NotificationJobOptions {
  lease: SlotLease;
  deps: NotifyDeps;
  operator: OperatorAlertOptions;
  /** REMINDER_DAYS_BEFORE_MONTH_END (0: no reminders). */
  reminderDays: number;
  /** The node's tip for the statements' confirmations; undefined while it does not answer. */
  tip: () => Promise<number | undefined>;
}

export interface NotificationPassReport {
  operatorFired: number;
  operatorResolved: number;
  eventMails: number;
  statementMails: number;
  reminders: number;
  digests: number;
  /** The parts that failed (logged; the next pass tries them again). */
  failed: string[];
}

/**
 * One pass of every notification, while this instance holds the lease: operator conditions, the
 * mails that follow new outbox events, statements of newly confirmed months, the month's funding
 * reminders, yesterday's digests. Each part is idempotent (deterministic ids, run marks) and
 * independent: one failing is logged and the others still run. Undefined when another instance
 * holds the lease.
 */
export async function notificationPass(options: NotificationJobOptions): Promise<NotificationPassReport | undefined> {
  if (!(await options.lease.holds())) return undefined;
  const { deps } = options;
  const report: NotificationPassReport = { operatorFired: 0, operatorResolved: 0, eventMails: 0, statementMails: 0, reminders: 0, digests: 0, failed: [] };
  const part = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      report.failed.push(name);
      deps.log.error({ err: error, part: name }, 'notifications: a part of the pass failed; retrying at the next pass');
    }
  };
  await part('operator-alerts', async () => {
    const alerts = await runOperatorAlerts(options.operator, deps);
    report.operatorFired = alerts.fired.length;
    report.operatorResolved = alerts.resolved.length;
    for (const id of alerts.fired) deps.log.warn({ episode: id }, 'operator alert');
    for (const id of alerts.resolved) deps.log.info({ episode: id }, 'operator alert resolved');
  });
  await part('event-mails', async () => {
    report.eventMails = await mailNewEvents(deps);
  });
  await part('statements', async () => {
    report.statementMails = await mailConfirmedMonths(deps, options.tip);
  });
  await part('reminders', async () => {
    report.reminders = await mailFundingReminders(deps, options.reminderDays);
  });
  await part('digests', async () => {
    report.digests = await mailYesterdaysDigests(deps);
  });
  return report;
}

/** Runs a pass every `intervalMs` (the first at once) until stopped; gives the lease up on stop. */
export function startNotificationJobs(options: NotificationJobOptions, intervalMs: number, log: Logger): RunningLoop {
  const loop = repeatEvery(intervalMs, async () => {
    try {
      const report = await notificationPass(options);
      if (report !== undefined && report.operatorFired + report.operatorResolved + report.eventMails + report.statementMails + report.reminders + report.digests > 0) log.info(report, 'notification pass');
    } catch (error) {
      log.error({ err: error }, 'notification pass failed; retrying at the next interval');
    }
  });
  return {
    async stop() {
      await loop.stop();
      await options.lease.release().catch(() => undefined);
    },
  };
}

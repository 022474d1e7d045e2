import type { SlotLease } from '../../db/lease';
import type { Logger } from '../../log';
import { dueMails, markFinal, markRetry, markSending, markSent, type QueuedMail } from './outbox-store';
import { stillWanted } from './queue';
import { MailSendError, SMTP_TIMEOUTS_MS, type MailTransport } from './transport';

/**
 * The mail worker's pass: sends the outbox's due mails, one at a time, while this instance holds
 * the mail lease. Each mail is marked 'sending' (by this worker, at this time) before the SMTP
 * conversation starts and 'sent' after the server accepted it.
 *
 * What a crash does:
 * - before the mark: the mail is still 'pending'; the next holder of the lease sends it.
 * - between the mark and the server's answer: the mail stays 'sending'; once it is older than
 *   `staleAfterMs` (longer than any SMTP conversation can last) the next pass sends it again.
 * - between the server's "250 accepted" and the 'sent' write (one small update, milliseconds):
 *   the same retry sends it a second time. This is the one at-least-once window: SMTP gives no way
 *   to ask a server whether it has a message. Both copies carry the same Message-ID.
 */

export interface RetryPolicy {
  /** First retry after this; each following one waits twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** After this many attempts the mail is 'failed' (kept, with the last error, for the operator). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 60_000, maxDelayMs: 6 * 60 * 60_000, maxAttempts: 10 };

/** A 'sending' mark older than this was left by a worker that stopped: long past any SMTP timeout. */
export const DEFAULT_STALE_SENDING_MS = 2 * (SMTP_TIMEOUTS_MS.connection + SMTP_TIMEOUTS_MS.greeting + SMTP_TIMEOUTS_MS.socket);

export interface MailWorkerDeps {
  lease: SlotLease;
  transport: MailTransport;
  log: Logger;
  retry?: RetryPolicy;
  staleAfterMs?: number;
  /** Mails read per pass. */
  batchSize?: number;
}

export interface MailPassReport {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/** One pass; undefined when another instance holds the lease. */
export async function deliverDueMails(deps: MailWorkerDeps): Promise<MailPassReport | undefined> {
  const { lease } = deps;
  if (!(await lease.holds())) return undefined;
  const now = lease.clock();
  const staleBefore = new Date(now.getTime() - (deps.staleAfterMs ?? DEFAULT_STALE_SENDING_MS));
  const report: MailPassReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  for (const mail of await dueMails(now, staleBefore, deps.batchSize ?? 50)) {
    // Checked before every mail: a pass must not go on sending after the lease moved on.
    if (!(await lease.holds())) break;
    const outcome = await deliverOne(mail, deps);
    if (outcome !== 'moved') report[outcome] += 1;
  }
  return report;
}

async function deliverOne(mail: QueuedMail, deps: MailWorkerDeps): Promise<keyof MailPassReport | 'moved'> {
  const { lease, log } = deps;
  if (!(await stillWanted(mail))) {
    await markFinal(mail.id, 'skipped', 'the recipient turned this kind of mail off');
    return 'skipped';
  }
  if (!(await markSending(mail, lease.holder, lease.clock()))) return 'moved';
  try {
    await deps.transport.send(mail);
  } catch (error) {
    const retry = deps.retry ?? DEFAULT_RETRY_POLICY;
    const reason = error instanceof Error ? error.message : String(error);
    const attempts = mail.attempts + 1;
    if ((error instanceof MailSendError && error.permanent) || attempts >= retry.maxAttempts) {
      log.warn({ mailId: mail.id, kind: mail.kind, attempts, reason }, 'mail not sent, giving up');
      await markFinal(mail.id, 'failed', reason);
      return 'failed';
    }
    const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1));
    log.warn({ mailId: mail.id, kind: mail.kind, attempts, retryInMs: delay, reason }, 'mail not sent, will retry');
    await markRetry(mail.id, new Date(lease.clock().getTime() + delay), reason);
    return 'retried';
  }
  await markSent(mail.id, lease.clock());
  return 'sent';
}

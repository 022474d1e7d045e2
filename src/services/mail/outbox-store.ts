import { isDuplicateKeyError } from '../../db/errors';
import { MailOutboxModel, type MailOutboxRow } from '../../db/mail-outbox';
import type { AnyMailKind, MailLocale } from './kinds';
import type { MailContent } from './templates';

/**
 * The mail outbox's owner. Every state move is one conditional single-document update, made only
 * by the worker that holds the mail lease (jobs/mail-loop.ts), so FerretDB's unisolated updates
 * never race here; queueing is an insert against the caller's deterministic `_id`.
 */

export type MailState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface QueuedMail extends MailContent {
  id: string;
  kind: AnyMailKind;
  accountId: string | undefined;
  address: string;
  locale: MailLocale;
  template: string;
  unsubscribeUrl: string | undefined;
  state: MailState;
  attempts: number;
  nextAttemptAt: Date;
  sendingSince: Date | undefined;
  sentAt: Date | undefined;
  lastError: string | undefined;
  createdAt: Date;
}

export type NewMail = Omit<QueuedMail, 'state' | 'attempts' | 'nextAttemptAt' | 'sendingSince' | 'sentAt' | 'lastError'>;

/** 'exists' when a mail with this id was queued before (whatever its state): nothing changes. */
export async function insertMail(mail: NewMail): Promise<'inserted' | 'exists'> {
  const { id, ...fields } = mail;
  try {
    await MailOutboxModel.create({ _id: id, ...fields, state: 'pending', attempts: 0, nextAttemptAt: mail.createdAt });
    return 'inserted';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'exists';
    throw error;
  }
}

export async function findMail(id: string): Promise<QueuedMail | undefined> {
  const row = await MailOutboxModel.findById(id).lean();
  return row === null ? undefined : toQueuedMail(row);
}

/**
 * Mails due now, oldest first: pending ones whose next attempt has come, and 'sending' ones left
 * since `staleBefore` by a worker that stopped between marking and finishing (see worker.ts).
 */
export async function dueMails(now: Date, staleBefore: Date, limit: number): Promise<QueuedMail[]> {
  const rows = await MailOutboxModel.find({
    $or: [
      { state: 'pending', nextAttemptAt: { $lte: now } },
      { state: 'sending', sendingSince: { $lte: staleBefore } },
    ],
  })
    .sort({ createdAt: 1, _id: 1 })
    .limit(limit)
    .lean();
  return rows.map(toQueuedMail);
}

/** Moves a mail from the state it was read in to 'sending'; false when someone moved it meanwhile. */
export async function markSending(mail: QueuedMail, worker: string, now: Date): Promise<boolean> {
  const filter = mail.state === 'sending' ? { _id: mail.id, state: 'sending', sendingSince: mail.sendingSince } : { _id: mail.id, state: mail.state };
  const result = await MailOutboxModel.updateOne(filter, { $set: { state: 'sending', sendingBy: worker, sendingSince: now }, $inc: { attempts: 1 } });
  return result.modifiedCount === 1;
}

export async function markSent(id: string, now: Date): Promise<void> {
  await MailOutboxModel.updateOne({ _id: id, state: 'sending' }, { $set: { state: 'sent', sentAt: now }, $unset: { lastError: 1 } });
}

export async function markRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
  await MailOutboxModel.updateOne({ _id: id, state: 'sending' }, { $set: { state: 'pending', nextAttemptAt, lastError: error } });
}

export async function markFinal(id: string, state: 'failed' | 'skipped', reason: string): Promise<void> {
  await MailOutboxModel.updateOne({ _id: id, state: { $in: ['pending', 'sending'] } }, { $set: { state, lastError: reason } });
}

/** How many mails are in each state, for the operator. */
export async function outboxCounts(): Promise<Record<MailState, number>> {
  const counts: Record<MailState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const state of Object.keys(counts) as MailState[]) counts[state] = await MailOutboxModel.countDocuments({ state });
  return counts;
}

function toQueuedMail(row: MailOutboxRow): QueuedMail {
  return {
    id: row._id,
    kind: row.kind as AnyMailKind,
    accountId: row.accountId ?? undefined,
    address: row.address,
    locale: row.locale as MailLocale,
    template: row.template,
    subject: row.subject,
    text: row.text,
    html: row.html,
    unsubscribeUrl: row.unsubscribeUrl ?? undefined,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    sendingSince: row.sendingSince ?? undefined,
    sentAt: row.sentAt ?? undefined,
    lastError: row.lastError ?? undefined,
    createdAt: row.createdAt,
  };
}

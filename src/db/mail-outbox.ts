import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt } from './fields';

/**
 * The mail outbox: one document per mail, rendered when queued, keyed by the caller's
 * deterministic id (queueing the same mail twice inserts nothing). The mail worker moves it
 * pending -> sending -> sent (or back to pending with a later `nextAttemptAt`, or failed).
 */
const mailOutboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    /** The account it is for, when it was queued for one (preferences are re-checked before sending). */
    accountId: { type: String },
    /** The address it goes to, resolved when queued. */
    address: { type: String, required: true },
    locale: { type: String, required: true },
    template: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: { type: String, required: true },
    /** RFC 8058 one-click unsubscribe URL; absent for mails the recipient asked for (reset, confirmation). */
    unsubscribeUrl: { type: String },
    state: { type: String, required: true, enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    /** Set with state 'sending': which worker, since when (a stale one is retried). */
    sendingBy: { type: String },
    sendingSince: { type: Date },
    sentAt: { type: Date },
    /** The SMTP server's last refusal or the reason it was skipped, for operators (never the body). */
    lastError: { type: String },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'mail_outbox' },
);

mailOutboxSchema.index({ state: 1, nextAttemptAt: 1 });

export type MailOutboxRow = InferSchemaType<typeof mailOutboxSchema>;
export const MailOutboxModel = model('MailOutbox', mailOutboxSchema);

import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * A notification pass that finished for one period of its own (`statements:2026-11`,
 * `digests:2026-11-10`, `reminders:2026-11`): its mails all have deterministic ids already, so
 * this only spares the next pass reading the month again. Written after the pass queued them.
 */
const notificationRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    doneAt: { type: Date, required: true },
    queued: { type: Number, required: true },
  },
  { ...baseSchemaOptions, collection: 'notification_runs' },
);

export type NotificationRun = InferSchemaType<typeof notificationRunSchema> & { _id: string };
export const NotificationRunModel = model('NotificationRun', notificationRunSchema);

import { Schema, model, type InferSchemaType } from 'mongoose';
import { CounterModel } from './counter';
import { baseSchemaOptions } from './fields';

/**
 * The events outbox (services/events/): what happened, written once by the step that made it
 * happen, read in `seq` order by consumers (webhooks, mail). `_id` is `<kind>:<stable key>`, so
 * recording the same fact twice inserts nothing.
 */
const eventSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Consumers read in this order (see events/outbox.ts on gaps). */
    seq: { type: Number, required: true },
    /** A random token of the insert that stored it: tells a writer its own insert from a concurrent twin's. */
    writer: { type: String },
    kind: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    /** Ids (hex) of the accounts the event concerns: routing to their endpoints and mail. */
    accounts: { type: [String], required: true, default: [] },
    /** JSON-safe payload: amounts as decimal strings of whole coins. */
    data: { type: Schema.Types.Mixed, required: true, default: {} },
  },
  { ...baseSchemaOptions, collection: 'events', minimize: false },
);

eventSchema.index({ seq: 1 }, { unique: true });

export type EventDocument = InferSchemaType<typeof eventSchema>;
export const EventModel = model('Event', eventSchema);

export const EVENT_SEQUENCE = 'eventSeq';

/**
 * Proposes `count` consecutive sequence numbers in one increment, for a batch of events. No claim
 * backs them: the unique `seq` index is the claim (an insert that finds
 * its number taken, as FerretDB's unisolated increments allow, takes a new range).
 */
export async function proposeEventSeqRange(count: number): Promise<number> {
  const counter = await CounterModel.findOneAndUpdate({ _id: EVENT_SEQUENCE }, { $inc: { next: count } }, { upsert: true, new: true, lean: true });
  if (!counter) throw new Error('event sequence: upsert returned no document');
  // Numbers start at 1: the counter's `next` after the increment is the range's last number.
  return counter.next - count + 1;
}

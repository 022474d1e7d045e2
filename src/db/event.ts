import { Schema, model, type InferSchemaType } from 'mongoose';
import { allocateCounterValue } from './counter';
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

const EVENT_SEQUENCE = 'eventSeq';

/** The next outbox sequence number (1, 2...): never handed out twice. */
export async function allocateEventSeq(): Promise<number> {
  return (await allocateCounterValue(EVENT_SEQUENCE)) + 1;
}

import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/** How far each consumer of the events outbox has read (`_id`: the consumer's name). */
const eventCursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The last `seq` the consumer is done with (0: none). */
    seq: { type: Number, required: true, default: 0 },
    updatedAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, collection: 'event_cursors' },
);

export type EventCursor = InferSchemaType<typeof eventCursorSchema>;
export const EventCursorModel = model('EventCursor', eventCursorSchema);

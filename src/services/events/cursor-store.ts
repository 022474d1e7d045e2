import { EventCursorModel } from '../../db/event-cursor';
import { isDuplicateKeyError } from '../../db/errors';

/** The one owner of `event_cursors`: how far each outbox consumer has read. */

/** The last seq the consumer is done with (0 before its first event). */
export async function cursorOf(consumer: string): Promise<number> {
  return (await EventCursorModel.findById(consumer, { seq: 1 }).lean())?.seq ?? 0;
}

/**
 * Moves the consumer's cursor from `from` to `to`, only if it still is at `from` (a consumer
 * runs under a lease, so a stale one moves nothing). True when moved.
 */
export async function moveCursor(consumer: string, from: number, to: number, now: Date): Promise<boolean> {
  if (from === 0) {
    try {
      await EventCursorModel.insertMany([{ _id: consumer, seq: to, updatedAt: now }], { lean: true });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  const result = await EventCursorModel.updateOne({ _id: consumer, seq: from }, { $set: { seq: to, updatedAt: now } });
  return result.modifiedCount === 1;
}

import { allocateEventSeq, EventModel, type EventDocument } from '../../db/event';
import { isDuplicateKeyError } from '../../db/errors';

/** The one owner of the events outbox collection (`events`). */
export type { EventDocument };

/** Whether an event with this id is stored already. */
export async function eventExists(id: string): Promise<boolean> {
  return (await EventModel.exists({ _id: id })) !== null;
}

/**
 * Inserts the event under the next sequence number; 'duplicate' when its id is stored already
 * (the sequence number it took is then a gap that readers skip, see ordering.ts).
 */
export async function insertEventOnce(event: Omit<EventDocument, 'seq'>): Promise<'inserted' | 'duplicate'> {
  const seq = await allocateEventSeq();
  try {
    await EventModel.insertMany([{ ...event, seq }], { lean: true });
    return 'inserted';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'duplicate';
    throw error;
  }
}

export async function eventById(id: string): Promise<EventDocument | undefined> {
  return (await EventModel.findById(id).lean<EventDocument>()) ?? undefined;
}

/** Up to `limit` events with seq above `after`, in seq order. */
export async function eventsAfterSeq(after: number, limit: number): Promise<EventDocument[]> {
  return EventModel.find({ seq: { $gt: after } }).sort({ seq: 1 }).limit(limit).lean<EventDocument[]>();
}

/** The newest events that concern an account, newest first (pages). */
export async function eventsOfAccount(accountId: string, limit: number): Promise<EventDocument[]> {
  return EventModel.find({ accounts: accountId }).sort({ seq: -1 }).limit(limit).lean<EventDocument[]>();
}

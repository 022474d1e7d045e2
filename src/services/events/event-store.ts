import { randomUUID } from 'node:crypto';
import { forEachChunk } from '../../db/chunks';
import { EventModel, proposeEventSeqRange, type EventDocument } from '../../db/event';
import { isDuplicateKeyError } from '../../db/errors';
import { insertBuilt } from '../../db/insert-built';

const INSERT_CHUNK = 200;
const INSERT_CONCURRENCY = 4;
const MAX_RANGE_ATTEMPTS = 50;

/** The one owner of the events outbox collection (`events`). */
export type { EventDocument };

/** The ids among `ids` stored already (one query per chunk). */
export async function storedEventIds(ids: readonly string[]): Promise<Set<string>> {
  const stored = new Set<string>();
  await forEachChunk(ids, { size: 500, concurrency: 2 }, async (chunk) => {
    for (const row of await EventModel.find({ _id: { $in: chunk } }, { _id: 1 }).lean<Array<{ _id: string }>>()) stored.add(row._id);
  });
  return stored;
}

/**
 * Sequence numbers for `count` events, proposed now, before the events are ready: a writer that
 * knows how many events it will record asks for their numbers beside its earlier writes instead
 * of after them. Numbers a reservation leaves unused (its writer failed, or found some events
 * recorded already) are gaps, which readers skip once the grace has passed (ordering.ts).
 */
export interface EventSeqReservation {
  count: number;
  first: Promise<number>;
}

export function reserveEventSeqs(count: number): EventSeqReservation {
  const first = proposeEventSeqRange(count);
  first.catch(() => undefined); // awaited by the insert that uses it, or dropped with a failed write
  return { count, first };
}

/**
 * Inserts a batch of events under consecutive sequence numbers proposed in one increment (or
 * reserved beforehand, on the first attempt, when the reservation holds them all), in
 * chunks; an event whose id is stored already is left as it is (its
 * number becomes a gap readers skip, ordering.ts); one whose number another writer took (possible
 * on FerretDB, whose increments are not isolated) is tried again under a new range. Which of the
 * two happened is read back from the collection, not from the error text, which differs by server.
 * Answers the ids this call inserted.
 */
export async function insertEventsOnce(events: ReadonlyArray<Omit<EventDocument, 'seq'>>, reserved?: EventSeqReservation): Promise<Set<string>> {
  let pending = [...events];
  const inserted = new Set<string>();
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_RANGE_ATTEMPTS) throw new Error(`events: no free sequence numbers after ${MAX_RANGE_ATTEMPTS} ranges (too much contention?)`);
    const first = attempt === 1 && reserved !== undefined && reserved.count >= pending.length ? await reserved.first : await proposeEventSeqRange(pending.length);
    const writer = randomUUID();
    const numbered = pending.map((event, index) => ({ ...event, seq: first + index, writer }));
    const retry: Array<Omit<EventDocument, 'seq'>> = [];
    await forEachChunk(numbered, { size: INSERT_CHUNK, concurrency: INSERT_CONCURRENCY }, async (chunk) => {
      try {
        await insertBuilt(EventModel, chunk);
        for (const event of chunk) inserted.add(event._id);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const stored = new Map((await EventModel.find({ _id: { $in: chunk.map((event) => event._id) } }, { _id: 1, writer: 1 }).lean<Array<{ _id: string; writer?: string | null }>>()).map((row) => [row._id, row.writer]));
        for (const { seq: _seq, writer: _writer, ...event } of chunk) {
          if (!stored.has(event._id)) retry.push(event);
          else if (stored.get(event._id) === writer) inserted.add(event._id);
        }
      }
    });
    pending = retry;
  }
  return inserted;
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

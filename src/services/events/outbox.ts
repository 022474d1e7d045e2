import type { Types } from 'mongoose';
import { cursorOf, moveCursor } from './cursor-store';
import { eventById, eventsAfterSeq, eventsOfAccount, insertEventsOnce, storedEventIds, type EventDocument, type EventSeqReservation } from './event-store';
import { recordInNextBatch, type EventRow } from './group-commit';
import { eventId, isEventKind, type EventData, type EventKind } from './kinds';
import { takeInOrder } from './ordering';

/**
 * The events outbox: the step that makes a change records the event in the same idempotent step
 * (deterministic id, insert-once), and consumers read new events in order behind a cursor.
 * Nothing is lost (an event is stored before anyone delivers it) and nothing doubled (a re-run
 * finds the id taken). docs/webhooks.md describes the guarantees for receivers.
 */

export interface NewEvent {
  kind: EventKind;
  /** Stable key of the fact (with the kind it makes the id): a click id, `txid:vout`, `2026-11:broadcast`... */
  key: string;
  occurredAt: Date;
  /** The accounts the event concerns (their endpoints and mail get it; the operator gets all). */
  accounts: ReadonlyArray<string | Types.ObjectId>;
  data: EventData;
}

export interface OutboxEvent {
  id: string;
  seq: number;
  kind: EventKind;
  occurredAt: Date;
  recordedAt: Date;
  accounts: string[];
  data: EventData;
}

export interface RecordOptions {
  /**
   * The caller's own unique insert made this fact just now (e.g. the click it stored, the
   * deposits a scanner stored), so no earlier run recorded it: skip the lookup that spares a
   * sequence number on a re-run.
   */
  fresh?: boolean;
  /** Sequence numbers the caller reserved for these events beforehand (reserveEventSeqs). */
  reserved?: EventSeqReservation;
}

export { reserveEventSeqs, type EventSeqReservation } from './event-store';

/**
 * Records the event once; false when it was recorded before (by this step's earlier run).
 * Concurrent calls in this process are written together (group-commit.ts).
 */
export async function recordEvent(event: NewEvent, now: Date, options: RecordOptions = {}): Promise<boolean> {
  return recordInNextBatch(eventRow(event, now), options.fresh === true);
}

function eventRow(event: NewEvent, now: Date): EventRow {
  const id = eventId(event.kind, event.key);
  return { _id: id, kind: event.kind, occurredAt: event.occurredAt, recordedAt: now, accounts: [...new Set(event.accounts.map(String))], data: { ...event.data } };
}

/**
 * Records several events (one step may make several facts: a month's payouts to thousands of
 * creators) in a few bulk writes, not one round trip each; answers how many were new.
 */
export async function recordEvents(events: readonly NewEvent[], now: Date, options: RecordOptions = {}): Promise<number> {
  const documents = new Map<string, EventRow>();
  for (const event of events) {
    const row = eventRow(event, now);
    documents.set(row._id, row);
  }
  // The check spares sequence numbers on a re-run; the unique id decides under a race.
  const stored = options.fresh === true ? new Set<string>() : await storedEventIds([...documents.keys()]);
  return (await insertEventsOnce([...documents.values()].filter((document) => !stored.has(document._id)), options.reserved)).size;
}

export interface ReadOptions {
  now: Date;
  limit?: number;
  /** How long a missing seq may stay missing before readers skip it (ordering.ts). */
  gapGraceMs?: number;
}

export const DEFAULT_GAP_GRACE_MS = 30_000;
const DEFAULT_BATCH = 100;

/** Events after `cursor` that may be taken now, in order, and the cursor after them. */
export async function eventsAfter(cursor: number, options: ReadOptions): Promise<{ events: OutboxEvent[]; cursor: number }> {
  const batch = await eventsAfterSeq(cursor, options.limit ?? DEFAULT_BATCH);
  const { taken, cursor: next } = takeInOrder(cursor, batch, options.now, options.gapGraceMs ?? DEFAULT_GAP_GRACE_MS);
  return { events: taken.map(toOutboxEvent), cursor: next };
}

/**
 * One step of a named consumer: reads the events after its stored cursor, hands them to
 * `handle` (which must be idempotent: after a crash the same events come again), then moves the
 * cursor. Run it under the consumer's lease. Answers how many events were handled.
 */
export async function consumeEvents(consumer: string, handle: (events: OutboxEvent[]) => Promise<void>, options: ReadOptions): Promise<number> {
  const from = await cursorOf(consumer);
  const { events, cursor } = await eventsAfter(from, options);
  if (events.length === 0) return 0;
  await handle(events);
  await moveCursor(consumer, from, cursor, options.now);
  return events.length;
}

export { cursorOf as consumerCursor };

function toOutboxEvent(document: EventDocument): OutboxEvent {
  const kind = document.kind;
  if (!isEventKind(kind)) throw new Error(`event ${document._id}: unknown kind ${kind}`);
  return {
    id: document._id,
    seq: document.seq,
    kind,
    occurredAt: document.occurredAt,
    recordedAt: document.recordedAt,
    accounts: [...document.accounts],
    data: (document.data ?? {}) as EventData,
  };
}

/** The newest events concerning an account, newest first (what the owner's pages list). */
export async function recentEventsOf(accountId: string, limit: number): Promise<OutboxEvent[]> {
  return (await eventsOfAccount(accountId, limit)).map(toOutboxEvent);
}

/** One stored event by id (a delivery builds its body from it). */
export async function outboxEvent(id: string): Promise<OutboxEvent | undefined> {
  const document = await eventById(id);
  return document === undefined ? undefined : toOutboxEvent(document);
}

import mongoose, { Types } from 'mongoose';
import { EventModel } from '../../../src/db/models';
import { consumeEvents, consumerCursor, eventsAfter, recentEventsOf, recordEvent, recordEvents, reserveEventSeqs, type NewEvent, type OutboxEvent } from '../../../src/services/events/outbox';
import { useTestDatabase } from '../../support/database';

const NOW = new Date('2026-12-06T12:00:00Z');
const later = (ms: number): Date => new Date(NOW.getTime() + ms);

function flattr(n: number, donor: Types.ObjectId, creator: Types.ObjectId): NewEvent {
  return { kind: 'flattr.created', key: `click-${n}`, occurredAt: NOW, accounts: [donor, creator, donor], data: { thing: `t${n}`, worth: '1.5' } };
}

describe('the events outbox (src/services/events/)', () => {
  useTestDatabase();
  const donor = new Types.ObjectId();
  const creator = new Types.ObjectId();

  it('records an event once under its deterministic id, with its accounts once each', async () => {
    expect(await recordEvent(flattr(1, donor, creator), NOW)).toBe(true);
    expect(await recordEvent(flattr(1, donor, creator), later(1))).toBe(false);
    const stored = await EventModel.find({ _id: 'flattr.created:click-1' }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'flattr.created', seq: 1, accounts: [String(donor), String(creator)], data: { thing: 't1', worth: '1.5' } });
    expect(stored[0]?.recordedAt).toEqual(NOW);
  });

  it('records concurrent repeats of the same fact once, and readers skip the lost number after the grace', async () => {
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => recordEvent(flattr(2, donor, creator), NOW)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await EventModel.countDocuments({ _id: 'flattr.created:click-2' })).toBe(1);
    // whatever numbers the losers burnt, a reader past the grace takes event 2 right after event 1
    const read = await eventsAfter(1, { now: later(60_000) });
    expect(read.events.map((event) => event.id)).toEqual(['flattr.created:click-2']);
  });

  it('writes events recorded at once together: one range and consecutive numbers, each caller told its own outcome', async () => {
    const before = await EventModel.countDocuments();
    const increments: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => {
      if (collection === 'counters') increments.push(method);
    });
    let outcomes: boolean[];
    try {
      // ten new facts and one fact twice (e.g. a repeated click racing the first)
      outcomes = await Promise.all([...[100, 101, 102, 103, 104, 105, 106, 107, 108, 109].map((n) => recordEvent(flattr(n, donor, creator), NOW, { fresh: true })), recordEvent(flattr(105, donor, creator), NOW)]);
    } finally {
      mongoose.set('debug', false);
    }
    expect(outcomes).toEqual([...Array.from({ length: 10 }, () => true), false]);
    expect(increments.length).toBeLessThan(10);
    const stored = await EventModel.find({ _id: { $regex: /^flattr\.created:click-1\d\d$/ } }).sort({ seq: 1 }).lean();
    expect(stored).toHaveLength(10);
    expect(await EventModel.countDocuments()).toBe(before + 10);
    // the batch after the first event's numbers follow on without a hole
    const seqs = stored.map((event) => event.seq);
    expect(seqs.slice(1)).toEqual(Array.from({ length: 9 }, (_, i) => (seqs[1] ?? 0) + i));
    await EventModel.deleteMany({ _id: { $in: stored.map((event) => event._id) } });
  });

  it('numbers events with a range reserved before they were ready; what a reservation leaves unused is a gap readers skip after the grace', async () => {
    const reserved = reserveEventSeqs(3);
    const first = await reserved.first;
    // another writer records meanwhile: its number comes after the reserved range
    expect(await recordEvent(flattr(200, donor, creator), NOW)).toBe(true);
    expect(await recordEvents([201, 202, 203].map((n) => flattr(n, donor, creator)), NOW, { fresh: true, reserved })).toBe(3);
    const numbered = await EventModel.find({ _id: { $in: [200, 201, 202, 203].map((n) => `flattr.created:click-${n}`) } }, { seq: 1 }).sort({ seq: 1 }).lean();
    expect(numbered.map((event) => [event._id, event.seq])).toEqual([
      ['flattr.created:click-201', first],
      ['flattr.created:click-202', first + 1],
      ['flattr.created:click-203', first + 2],
      ['flattr.created:click-200', first + 3],
    ]);

    // two numbers reserved, one event recorded: the second number stays a gap
    const partly = reserveEventSeqs(2);
    const partlyFirst = await partly.first;
    expect(await recordEvents([flattr(204, donor, creator)], NOW, { fresh: true, reserved: partly })).toBe(1);
    expect(await recordEvent(flattr(205, donor, creator), NOW)).toBe(true);
    expect((await EventModel.findById('flattr.created:click-204').lean())?.seq).toBe(partlyFirst);
    expect((await EventModel.findById('flattr.created:click-205').lean())?.seq).toBe(partlyFirst + 2);
    expect((await eventsAfter(partlyFirst - 1, { now: NOW })).events.map((event) => event.id)).toEqual(['flattr.created:click-204']);
    expect((await eventsAfter(partlyFirst - 1, { now: later(60_000) })).events.map((event) => event.id)).toEqual(['flattr.created:click-204', 'flattr.created:click-205']);

    // a reservation too small for the events is not used: they get a range of their own
    const small = reserveEventSeqs(1);
    const smallFirst = await small.first;
    expect(await recordEvents([206, 207].map((n) => flattr(n, donor, creator)), NOW, { fresh: true, reserved: small })).toBe(2);
    const own = await EventModel.find({ _id: { $in: ['flattr.created:click-206', 'flattr.created:click-207'] } }, { seq: 1 }).lean();
    expect(own.every((event) => event.seq > smallFirst)).toBe(true);
    await EventModel.deleteMany({ _id: { $regex: /^flattr\.created:click-20\d$/ } });
  });

  it('hands each event to a consumer once, in order, and resumes from its cursor', async () => {
    for (let n = 3; n <= 7; n++) await recordEvent(flattr(n, donor, creator), later(n));
    const seen: OutboxEvent[] = [];
    const handle = async (events: OutboxEvent[]): Promise<void> => {
      seen.push(...events);
    };
    expect(await consumeEvents('test-consumer', handle, { now: later(60_000), limit: 4 })).toBe(4);
    expect(await consumeEvents('test-consumer', handle, { now: later(60_000), limit: 4 })).toBe(3);
    expect(await consumeEvents('test-consumer', handle, { now: later(60_000), limit: 4 })).toBe(0);
    expect(seen.map((event) => event.data.thing)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7']);
    expect(seen.map((event) => event.seq)).toEqual([...seen.map((event) => event.seq)].sort((a, b) => a - b));
    expect(await consumerCursor('test-consumer')).toBe(seen.at(-1)?.seq);
  });

  it('does not move the cursor when the handler fails: the same events come again', async () => {
    await recordEvent(flattr(8, donor, creator), later(8));
    await expect(consumeEvents('test-consumer', () => Promise.reject(new Error('receiver down')), { now: later(60_000) })).rejects.toThrow('receiver down');
    const again: string[] = [];
    await consumeEvents('test-consumer', async (events) => {
      again.push(...events.map((event) => event.id));
    }, { now: later(60_000) });
    expect(again).toEqual(['flattr.created:click-8']);
  });

  it("lists an account's events, newest first", async () => {
    const ids = (await recentEventsOf(String(creator), 2)).map((event) => event.id);
    expect(ids).toEqual(['flattr.created:click-8', 'flattr.created:click-7']);
    expect(await recentEventsOf(String(new Types.ObjectId()), 5)).toEqual([]);
  });
});

import { CLOSE_PROPAGATION_MS, closePeriod } from '../../../src/services/settlement/closing';
import { findSettlement } from '../../../src/services/settlement/settlement-store';
import { useTestDatabase } from '../../support/database';

// Closing early waits for every instance to see the closure, timed by the run's injected clock and
// sleep only: a fixed clock far from the real one gives exactly the propagation wait, and no sleep
// happens in real time.

describe('closing a month early waits by the injected clock and sleep', () => {
  useTestDatabase();

  it('sleeps the whole propagation wait when the clock has not moved since the closing, once', async () => {
    const now = new Date('2031-05-15T12:00:00Z');
    const waits: number[] = [];
    const options = { now, clock: () => now, early: true, sleep: async (ms: number) => void waits.push(ms) };
    const closed = await closePeriod('2031-05', options);
    expect(closed).toMatchObject({ state: 'closed', closedEarly: true, closedAt: now, subscriptionClicksAdded: true });
    expect(waits).toEqual([CLOSE_PROPAGATION_MS]);
    // Done: running it again (a resumed run) neither waits nor changes anything.
    await closePeriod('2031-05', { ...options, now: new Date('2031-05-15T12:05:00Z') });
    expect(waits).toEqual([CLOSE_PROPAGATION_MS]);
    expect(await findSettlement('2031-05')).toEqual(closed);
  });

  it('sleeps only what is left when the clock moved on, and nothing once the wait is over', async () => {
    const closedAt = new Date('2031-06-10T08:00:00Z');
    const clock = new Date(closedAt.getTime() + 400);
    const waits: number[] = [];
    // The first run dies in its sleep (after the month was closed, before the clicks were read).
    await expect(closePeriod('2031-06', { now: closedAt, clock: () => clock, early: true, sleep: async () => Promise.reject(new Error('killed')) })).rejects.toThrow('killed');
    await closePeriod('2031-06', { now: clock, clock: () => clock, early: true, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([CLOSE_PROPAGATION_MS - 400]);

    // A run whose clock is already past the wait (closed at `closing`, resumed later) does not sleep.
    const closing = new Date('2031-08-10T08:00:00Z');
    const later = new Date(closing.getTime() + CLOSE_PROPAGATION_MS + 1);
    const settled = await closePeriod('2031-08', { now: closing, clock: () => later, early: true, sleep: async () => Promise.reject(new Error('must not sleep')) });
    expect(settled).toMatchObject({ state: 'closed', closedAt: closing, subscriptionClicksAdded: true });
  });
});

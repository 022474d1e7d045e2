import { fundingShortfall, reminderPeriodAt } from '../../../../src/services/notifications/reminder';
import { creatorDigests, dayBounds, dayOf, previousDay, type DigestClick } from '../../../../src/services/notifications/digest';

describe('the funding reminder', () => {
  it('is due in the last N days of a month only', () => {
    expect(reminderPeriodAt(new Date('2026-11-27T23:59:59Z'), 3)).toBeUndefined();
    expect(reminderPeriodAt(new Date('2026-11-28T00:00:00Z'), 3)).toBe('2026-11');
    expect(reminderPeriodAt(new Date('2026-11-30T23:59:59Z'), 3)).toBe('2026-11');
    expect(reminderPeriodAt(new Date('2026-12-01T00:00:00Z'), 3)).toBeUndefined();
    expect(reminderPeriodAt(new Date('2026-02-26T00:00:00Z'), 3)).toBe('2026-02');
    expect(reminderPeriodAt(new Date('2026-11-30T12:00:00Z'), 0)).toBeUndefined();
  });

  it('asks for what the balance lacks to cover the budget', () => {
    expect(fundingShortfall(500_000_000n, 100_000_000n)).toBe(400_000_000n);
    expect(fundingShortfall(500_000_000n, 500_000_000n)).toBeUndefined();
    expect(fundingShortfall(500_000_000n, 0n)).toBe(500_000_000n);
    expect(fundingShortfall(0n, 0n)).toBeUndefined();
  });
});

describe('the creators daily digest', () => {
  const click = (donorId: string, creatorId: string, thingId: string, at: string, source = 'button'): DigestClick => ({ donorId, creatorId, thingId, at: new Date(at), source });

  it('counts one day of flattrs per creator, and the supporters new this month', () => {
    const clicks = [
      click('d1', 'c1', 't1', '2026-11-09T10:00:00Z'), // before the day: d1 is not new on the 10th
      click('d1', 'c1', 't2', '2026-11-10T00:00:00Z'),
      click('d2', 'c1', 't1', '2026-11-10T23:59:59.999Z'),
      click('d2', 'c1', 't3', '2026-11-10T12:00:00Z'),
      click('d3', 'c0', 't9', '2026-11-10T08:00:00Z'),
      click('d4', 'c1', 't1', '2026-11-11T00:00:00Z'), // the next day
      click('d5', 'c1', 't1', '2026-11-10T09:00:00Z', 'subscription'), // added at closing, not flattred
    ];
    expect(creatorDigests('2026-11-10', clicks)).toEqual([
      { creatorId: 'c0', day: '2026-11-10', flattrs: 1, things: 1, supporters: 1, newSupporters: 1 },
      { creatorId: 'c1', day: '2026-11-10', flattrs: 3, things: 3, supporters: 2, newSupporters: 1 },
    ]);
    expect(creatorDigests('2026-11-12', clicks)).toEqual([]);
  });

  it('reads UTC days', () => {
    expect(dayOf(new Date('2026-11-30T23:59:59Z'))).toBe('2026-11-30');
    expect(dayBounds('2026-12-31')).toEqual({ start: new Date('2026-12-31T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
    expect(previousDay('2026-03-01')).toBe('2026-02-28');
    expect(() => dayBounds('2026-02-30')).toThrow('no such day');
    expect(() => dayBounds('2026-2-3')).toThrow("not a day 'YYYY-MM-DD'");
  });
});

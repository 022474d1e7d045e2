import fc from 'fast-check';
import {
  comparePeriods,
  currentPeriodAt,
  nextPeriod,
  parsePeriod,
  periodBounds,
  periodOf,
  previousPeriod,
} from '../../../src/money/period';
import { thrownCode } from '../../support/errors';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('periodOf', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['2024-01-01T00:00:00.000Z', '2024-01'],
    ['2024-02-29T23:59:59.999Z', '2024-02'],
    ['2024-03-01T00:00:00.000Z', '2024-03'],
    ['2023-12-31T23:59:59.999Z', '2023-12'],
    // Local midnight in Paris is still the previous month in UTC.
    ['2024-01-01T00:30:00+01:00', '2023-12'],
    ['2000-01-01T00:00:00.000Z', '2000-01'],
    ['9999-12-31T23:59:59.999Z', '9999-12'],
  ];

  test.each(cases)('%s -> %s', (iso, period) => {
    expect(periodOf(new Date(iso))).toBe(period);
  });

  test.each([
    ['an invalid date', new Date(Number.NaN)],
    ['a date before 2000', new Date('1999-12-31T23:59:59.999Z')],
  ])('rejects %s', (_name, date) => {
    expect(thrownCode(() => periodOf(date))).toBe('period-invalid');
  });
});

describe('parsePeriod', () => {
  test.each(['2000-01', '2024-01', '2024-09', '2024-10', '2024-12', '9999-12'])(
    'accepts %s',
    (text) => {
      expect(parsePeriod(text)).toBe(text);
    },
  );

  test.each([
    '2024-13',
    '2024-00',
    '2024-1',
    ' 2024-01',
    '2024-01 ',
    '2024-01\n',
    '2024/01',
    '202401',
    '2024-01-01',
    '24-01',
    '1999-12',
    '0000-01',
    '10000-01',
    '+2024-01',
    '\uff12\uff10\uff12\uff14-01',
    '2024-1\u200b',
    '',
    2024,
    null,
    undefined,
    new Date('2024-01-01T00:00:00Z'),
  ])('rejects %p', (input) => {
    expect(thrownCode(() => parsePeriod(input))).toBe('period-invalid');
  });
});

describe('periodBounds', () => {
  const cases: ReadonlyArray<readonly [string, string, string, number]> = [
    ['2024-01', '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', 31],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', 29],
    ['2023-02', '2023-02-01T00:00:00.000Z', '2023-03-01T00:00:00.000Z', 28],
    ['2000-02', '2000-02-01T00:00:00.000Z', '2000-03-01T00:00:00.000Z', 29],
    ['2100-02', '2100-02-01T00:00:00.000Z', '2100-03-01T00:00:00.000Z', 28],
    ['2024-04', '2024-04-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z', 30],
    ['2023-12', '2023-12-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 31],
  ];

  test.each(cases)('%s is [%s, %s), %i days', (period, start, end, days) => {
    const bounds = periodBounds(period);
    expect(bounds.start.toISOString()).toBe(start);
    expect(bounds.end.toISOString()).toBe(end);
    expect((bounds.end.getTime() - bounds.start.getTime()) / DAY_MS).toBe(days);
  });

  test('the last representable period ends at year 10000', () => {
    expect(periodBounds('9999-12').end.getTime()).toBe(Date.UTC(10000, 0, 1));
  });

  test('rejects an invalid period', () => {
    expect(thrownCode(() => periodBounds('2024-13'))).toBe('period-invalid');
  });
});

describe('nextPeriod and previousPeriod', () => {
  const steps: ReadonlyArray<readonly [string, string]> = [
    ['2023-12', '2024-01'],
    ['2024-01', '2024-02'],
    ['2024-02', '2024-03'],
    ['2024-09', '2024-10'],
    ['2024-11', '2024-12'],
    ['2000-01', '2000-02'],
    ['9999-11', '9999-12'],
  ];

  test.each(steps)('%s -> %s and back', (before, after) => {
    expect(nextPeriod(before)).toBe(after);
    expect(previousPeriod(after)).toBe(before);
  });

  test('the range ends are not crossed', () => {
    expect(thrownCode(() => nextPeriod('9999-12'))).toBe('period-invalid');
    expect(thrownCode(() => previousPeriod('2000-01'))).toBe('period-invalid');
  });

  test('invalid input is rejected, not stepped', () => {
    expect(thrownCode(() => nextPeriod('2024-13'))).toBe('period-invalid');
    expect(thrownCode(() => previousPeriod('2024-1'))).toBe('period-invalid');
  });
});

describe('comparePeriods', () => {
  test('orders chronologically, across year boundaries', () => {
    const shuffled = ['2024-01', '2023-12', '2024-10', '2024-02', '2000-01', '2023-12'];
    expect([...shuffled].sort(comparePeriods)).toEqual([
      '2000-01',
      '2023-12',
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-10',
    ]);
    expect(comparePeriods('2024-05', '2024-05')).toBe(0);
  });

  test('rejects an invalid period on either side', () => {
    expect(thrownCode(() => comparePeriods('2024-01', '2024-1'))).toBe('period-invalid');
    expect(thrownCode(() => comparePeriods('2024-00', '2024-01'))).toBe('period-invalid');
  });
});

describe('period properties', () => {
  // Returning booleans instead of calling expect(): matchers cost more than the code under test.
  const dateInRange = fc.date({
    min: new Date('2000-01-01T00:00:00.000Z'),
    max: new Date('9999-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  });

  test('a date lies inside the bounds of its own period', () => {
    fc.assert(
      fc.property(dateInRange, (date) => {
        const { start, end } = periodBounds(periodOf(date));
        return start.getTime() <= date.getTime() && date.getTime() < end.getTime();
      }),
      { numRuns: 2000 },
    );
  });

  test('consecutive periods tile time and order with the dates', () => {
    const periodBeforeTheLast = dateInRange
      .map(periodOf)
      .filter((period) => period !== '9999-12');
    fc.assert(
      fc.property(periodBeforeTheLast, (period) => {
        const next = nextPeriod(period);
        return (
          periodBounds(period).end.getTime() === periodBounds(next).start.getTime() &&
          previousPeriod(next) === period &&
          comparePeriods(period, next) === -1 &&
          comparePeriods(next, period) === 1
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('currentPeriodAt: "this month" on every page after "close now"', () => {
  it.each([
    ['2026-12-15T10:00:00Z', false, '2026-12'],
    ['2026-12-15T10:00:00Z', true, '2027-01'],
    ['2026-12-31T23:59:59.999Z', true, '2027-01'],
    ['2027-01-01T00:00:00Z', false, '2027-01'],
    ['2026-04-30T12:00:00Z', true, '2026-05'],
  ])('at %s, calendar month closed: %s -> %s', (now, closed, expected) => {
    expect(currentPeriodAt(new Date(now), closed)).toBe(expected);
  });
});

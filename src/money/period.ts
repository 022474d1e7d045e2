import { KibbleError } from '../errors';

/**
 * A settlement period is one UTC calendar month, written 'YYYY-MM'. UTC so that every donor and
 * every server agrees on which month a click belongs to whatever their time zone. The string form
 * is the natural key in the database (`period:donor:creator`), and because it is fixed-width it
 * sorts correctly as plain text.
 *
 * Every function is pure: the clock is whatever Date the caller passes to `periodOf`.
 */

const MIN_YEAR = 2000;
const MAX_YEAR = 9999;
/**
 * The text of a period, 'YYYY-MM' with a month 01..12: the one definition, used by the database
 * schemas, the HTTP schemas and the pages. It checks the shape only; `parsePeriod` also checks the
 * year's range. No `g` flag, so `test` keeps no state between calls.
 */
export const PERIOD_PATTERN = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

interface YearMonth {
  year: number;
  /** 1..12 */
  month: number;
}

/** The period containing `date`, e.g. periodOf(new Date('2024-02-29T23:59:59Z')) === '2024-02'. */
export function periodOf(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new KibbleError('period-invalid', 'cannot take the period of an invalid date');
  }
  return formatPeriod({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 });
}

/** Validates user input (HTTP, CLI); returns it unchanged when it is a valid period. */
export function parsePeriod(text: unknown): string {
  return formatPeriod(toYearMonth(text));
}

/** The instants the period covers: `start` inclusive, `end` exclusive (the next month's start). */
export function periodBounds(period: string): { start: Date; end: Date } {
  const { year, month } = toYearMonth(period);
  // Date.UTC rolls month 12 (zero-based) over into January of the next year.
  return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
}

export function nextPeriod(period: string): string {
  const { year, month } = toYearMonth(period);
  return formatPeriod(month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 });
}

export function previousPeriod(period: string): string {
  const { year, month } = toYearMonth(period);
  return formatPeriod(month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 });
}

/** Negative, zero or positive like any sort comparator; validates both sides. */
export function comparePeriods(a: string, b: string): number {
  const left = parsePeriod(a);
  const right = parsePeriod(b);
  // Fixed-width 'YYYY-MM' sorts chronologically as text.
  return left < right ? -1 : left > right ? 1 : 0;
}

function toYearMonth(text: unknown): YearMonth {
  if (typeof text !== 'string') {
    throw new KibbleError(
      'period-invalid',
      `a period must be a string 'YYYY-MM', got a ${typeof text}`,
    );
  }
  const match = PERIOD_PATTERN.exec(text);
  if (match === null) {
    throw new KibbleError(
      'period-invalid',
      `period ${JSON.stringify(text.slice(0, 32))} is not a UTC month 'YYYY-MM' (month 01-12)`,
    );
  }
  return checkYear({ year: Number(match[1]), month: Number(match[2]) });
}

function formatPeriod(yearMonth: YearMonth): string {
  const { year, month } = checkYear(yearMonth);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** kibble did not exist before 2000, and 'YYYY' has room for four digits only. */
function checkYear(yearMonth: YearMonth): YearMonth {
  if (yearMonth.year < MIN_YEAR || yearMonth.year > MAX_YEAR) {
    throw new KibbleError(
      'period-invalid',
      `period year ${yearMonth.year} is outside ${MIN_YEAR}..${MAX_YEAR}`,
    );
  }
  return yearMonth;
}

/**
 * "This month" on every page, in the API and on the button: the month a click made at `now`
 * counts in. That is the calendar month of `now`, unless the operator closed it early ("close
 * now"): then the next one. `calendarMonthClosed` says whether the month of `now` is closed
 * (services/period-closure.ts reads it from the settlement).
 */
export function currentPeriodAt(now: Date, calendarMonthClosed: boolean): string {
  const period = periodOf(now);
  return calendarMonthClosed ? nextPeriod(period) : period;
}

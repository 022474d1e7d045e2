import { formatCoins } from '../money/amount';
import type { Locale } from './locale';

/**
 * Numbers, dates and amounts in a locale's conventions, through Intl. Amounts stay exact: the
 * whole part is formatted as a bigint (Intl groups its digits without a float in between) and the
 * fraction digits are the canonical ones of money/amount.ts, behind the locale's decimal sign.
 */

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

export function formatNumber(locale: Locale, value: number | bigint, options?: Intl.NumberFormatOptions): string {
  return numberFormat(locale, options).format(value);
}

/** The locale's decimal sign ("." in English, "," in French). */
export function decimalSeparator(locale: Locale): string {
  return numberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}

function minusSign(locale: Locale): string {
  return numberFormat(locale).formatToParts(-1).find((part) => part.type === 'minusSign')?.value ?? '-';
}

export interface AmountFormatOptions {
  /** The chain's unit ("DOGE"), written after the number with a no-break space; none when absent. */
  ticker?: string;
  /** Pads the fraction with zeros to at least this many digits (2 shows "5.00"); never cuts digits. */
  minimumFractionDigits?: number;
}

/** Smallest units -> "1,234.5 DOGE" (en), "1 234,5 DOGE" (fr); every koinu is shown. */
export function formatAmount(locale: Locale, units: bigint, options: AmountFormatOptions = {}): string {
  const negative = units < 0n;
  const [whole = '0', fraction = ''] = formatCoins(negative ? -units : units).split('.');
  const digits = fraction.padEnd(options.minimumFractionDigits ?? 0, '0');
  const number = `${negative ? minusSign(locale) : ''}${formatNumber(locale, BigInt(whole))}${digits === '' ? '' : decimalSeparator(locale) + digits}`;
  return options.ticker === undefined ? number : `${number}\u00a0${options.ticker}`;
}

export type DateStyle = 'date' | 'dateTime' | 'month';

const DATE_STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  month: { year: 'numeric', month: 'long' },
};

/** Dates in UTC, kibble's time for periods and settlements (the time zone is named in dateTime). */
export function formatDate(locale: Locale, date: Date, style: DateStyle = 'date'): string {
  const key = `${locale}:${style}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone: 'UTC' });
    dateFormats.set(key, format);
  }
  const text = format.format(date);
  return style === 'dateTime' ? `${text} UTC` : text;
}

/** A period "2026-12" -> "December 2026" / "décembre 2026"; anything else is returned as it is. */
export function formatPeriod(locale: Locale, period: string): string {
  const match = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (match === null) return period;
  return formatDate(locale, new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)), 'month');
}

import { KibbleError } from '../errors';
import { COIN, COIN_DECIMALS } from './amount';

/**
 * Fiat amounts and coin prices as exact decimals (issue 17, item 4). A price is never a float in
 * money math: its decimal text becomes a scaled bigint, and a conversion is one bigint division.
 *
 * The rounding rule (docs/operator.md, "Prices"): a fiat budget becomes coins at the price by
 * flooring to the smallest unit: koinu = floor(amount * 10^8 / rate). A donor is never charged
 * more than their fiat budget is worth at the recorded rate, and at most one koinu less.
 */

export const FIAT_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD'] as const;
export type FiatCurrency = (typeof FIAT_CURRENCIES)[number];

export function isFiatCurrency(value: unknown): value is FiatCurrency {
  return typeof value === 'string' && (FIAT_CURRENCIES as readonly string[]).includes(value);
}

/** A budget in a fiat currency: `amount` is a canonical decimal string ("5", "12.5"). */
export interface FiatAmount {
  currency: FiatCurrency;
  amount: string;
}

/** One coin's price in a currency, as plain data: the planner's input and what the plan records. */
export interface PriceQuote {
  currency: FiatCurrency;
  /** Fiat units for one whole coin, a canonical decimal string ("0.1234"). */
  rate: string;
  /** When the source gave it (ISO 8601). */
  at: string;
  /** Where it came from: the price source's host, or 'operator' for `settle --rate`. */
  source: string;
}

export interface Decimal {
  units: bigint;
  scale: number;
}

/** Fiat amounts: at most 2 decimals and below a million a month. */
export const FIAT_DECIMALS = 2;
export const MAX_FIAT_BUDGET = 1_000_000n;
/** Rates: at most 18 decimals (a coin worth a billionth of a cent still has digits) and 12 whole digits. */
export const RATE_DECIMALS = 18;
const RATE_WHOLE_DIGITS = 12;

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * What was wrong with a fiat amount or its currency, in an error's `details.problem`: pages say
 * it in the reader's language (the message stays the specific English one).
 */
export type FiatInputProblem = 'not-decimal' | 'too-many-decimals' | 'too-large' | 'currency';

function fiatInputError(problem: FiatInputProblem, message: string): KibbleError {
  return new KibbleError('validation-failed', message, { problem });
}

/** Exact parse of a plain decimal string (no sign, exponent or separators). */
export function parseDecimal(text: unknown, what: string, maxScale: number): Decimal {
  const match = typeof text === 'string' && text.length <= 64 ? DECIMAL.exec(text) : null;
  if (match === null) throw fiatInputError('not-decimal', `${what} must be a plain decimal number like 12.5 (no sign, exponent or separators)`);
  const fraction = match[2] ?? '';
  if (fraction.length > maxScale) throw fiatInputError('too-many-decimals', `${what} has ${fraction.length} decimals; at most ${maxScale} are allowed`);
  return { units: BigInt(`${match[1] ?? '0'}${fraction}`), scale: fraction.length };
}

/** Validates a fiat budget amount; returns it canonical (no trailing zeros after the dot). */
export function parseFiatAmount(text: unknown, currency: unknown): FiatAmount {
  if (!isFiatCurrency(currency)) throw fiatInputError('currency', `currency must be one of ${FIAT_CURRENCIES.join(', ')}`);
  const decimal = parseDecimal(text, `budget in ${currency}`, FIAT_DECIMALS);
  if (decimal.units > MAX_FIAT_BUDGET * 10n ** BigInt(decimal.scale)) throw fiatInputError('too-large', `budget in ${currency} must be below ${MAX_FIAT_BUDGET}`);
  return { currency, amount: decimalText(decimal) };
}

/** Validates a rate (fiat per coin): positive, plain decimal. */
export function parseRate(text: unknown, currency: string): Decimal {
  const rate = parseDecimal(text, `the ${currency} rate`, RATE_DECIMALS);
  if (rate.units === 0n) throw new KibbleError('validation-failed', `the ${currency} rate must be above zero`);
  if (rate.units / 10n ** BigInt(rate.scale) >= 10n ** BigInt(RATE_WHOLE_DIGITS)) throw new KibbleError('validation-failed', `the ${currency} rate is too large`);
  return rate;
}

/** Canonical text of a decimal: trailing fraction zeros dropped ("5.10" -> "5.1", "5.00" -> "5"). */
export function decimalText({ units, scale }: Decimal): string {
  const digits = units.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** The documented rule: floor(amount * 10^8 / rate), in the smallest unit. */
export function coinsForFiat(amount: Decimal, rate: Decimal): bigint {
  if (rate.units <= 0n) throw new KibbleError('validation-failed', 'a rate must be above zero');
  return (amount.units * COIN * 10n ** BigInt(rate.scale)) / (rate.units * 10n ** BigInt(amount.scale));
}

/** What `units` smallest units are worth at `rate`, exact (scale = rate's scale + 8). */
export function fiatForCoins(units: bigint, rate: Decimal): Decimal {
  return { units: units * rate.units, scale: rate.scale + COIN_DECIMALS };
}

/** A decimal cut to `decimals` fraction digits, towards zero (for showing a value). */
export function truncateDecimal(value: Decimal, decimals: number): Decimal {
  if (value.scale <= decimals) return value;
  return { units: value.units / 10n ** BigInt(value.scale - decimals), scale: decimals };
}

/**
 * A JSON number as the exact decimal its text most likely was: the shortest decimal that
 * round-trips the double (what JSON.stringify writes), exponent expanded. Price sources answer
 * JSON numbers; this keeps floats out of every later step.
 */
export function decimalOfJsonNumber(value: number): string | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  const text = String(value);
  const match = /^([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(text);
  if (match === null) return null;
  const digits = `${match[1] ?? ''}${match[2] ?? ''}`;
  const scale = (match[2] ?? '').length - Number(match[3] ?? '0');
  if (scale <= 0) return decimalText({ units: BigInt(digits) * 10n ** BigInt(-scale), scale: 0 });
  return decimalText({ units: BigInt(digits), scale });
}

export function quoteFor(quotes: readonly PriceQuote[], currency: FiatCurrency): PriceQuote | undefined {
  return quotes.find((quote) => quote.currency === currency);
}

/** A fiat budget in coins at the quote for its currency; 'price-unavailable' when there is none. */
export function budgetInCoins(budget: FiatAmount, quotes: readonly PriceQuote[], donorId: string): bigint {
  const quote = quoteFor(quotes, budget.currency);
  if (quote === undefined) {
    throw new KibbleError('price-unavailable', `no ${budget.currency} price to convert the budget of donor ${donorId}: give one with --rate ${budget.currency}=<price of one coin>`, { currency: budget.currency });
  }
  return coinsForFiat(parseDecimal(budget.amount, `budget of donor ${donorId}`, FIAT_DECIMALS), parseRate(quote.rate, quote.currency));
}

/** Checks a list of quotes: known currencies, valid rates, one per currency. */
export function validateQuotes(quotes: readonly PriceQuote[]): void {
  const seen = new Set<string>();
  for (const quote of quotes) {
    if (!isFiatCurrency(quote.currency)) throw new KibbleError('validation-failed', `rate currency ${String(quote.currency)} is not one of ${FIAT_CURRENCIES.join(', ')}`);
    if (seen.has(quote.currency)) throw new KibbleError('validation-failed', `two rates for ${quote.currency}`);
    seen.add(quote.currency);
    parseRate(quote.rate, quote.currency);
    if (typeof quote.at !== 'string' || Number.isNaN(Date.parse(quote.at))) throw new KibbleError('validation-failed', `the ${quote.currency} rate has no valid time`);
    if (typeof quote.source !== 'string' || quote.source === '') throw new KibbleError('validation-failed', `the ${quote.currency} rate names no source`);
  }
}

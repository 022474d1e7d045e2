import { decimalText, fiatForCoins, isFiatCurrency, parseRate, truncateDecimal, type FiatCurrency } from '../../money/fiat';
import type { PriceService } from './prices';

/**
 * Values in a donor's currency, for pages and the API: what an amount of coins is worth at the
 * current price, with the price's age, or why there is no price. Values are shown, never charged:
 * the month converts budgets at the price the plan records (settlement/plan-rates.ts).
 */

export type FiatPrice =
  | { status: 'available'; currency: FiatCurrency; rate: string; at: string; ageSeconds: number; source: string; test: boolean }
  /** `configured`: false when the service has no price source at all (pages say so instead of a failure). */
  | { status: 'unavailable'; currency: FiatCurrency; reason: string; configured: boolean };

/** Fraction digits a value is shown with (cut, never rounded up: a value is never overstated). */
export function fiatDecimals(currency: FiatCurrency): number {
  return currency === 'JPY' ? 0 : 2;
}

export async function fiatPriceOf(prices: PriceService | undefined, currency: FiatCurrency, now: Date): Promise<FiatPrice> {
  if (prices === undefined || !prices.configured) return { status: 'unavailable', currency, reason: 'no price source is configured (PRICE_SOURCE_URL)', configured: false };
  const state = await prices.current();
  if (state.status === 'unavailable') return { status: 'unavailable', currency, reason: state.reason, configured: true };
  const quote = state.quotes.find((q) => q.currency === currency);
  if (quote === undefined) return { status: 'unavailable', currency, reason: `the price source gave no ${currency} price`, configured: true };
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - Date.parse(quote.at)) / 1000));
  return { status: 'available', currency, rate: quote.rate, at: quote.at, ageSeconds, source: quote.source, test: prices.testPrices };
}

/** `units` smallest units in the price's currency, as a decimal string cut to the currency's decimals; null without a price. */
export function fiatValueOf(units: bigint, price: FiatPrice): string | null {
  if (price.status !== 'available') return null;
  const exact = fiatForCoins(units, parseRate(price.rate, price.currency));
  return decimalText(truncateDecimal(exact, fiatDecimals(price.currency)));
}

const REGION_CURRENCY: Readonly<Record<string, FiatCurrency>> = { GB: 'GBP', CH: 'CHF', JP: 'JPY', CA: 'CAD', AU: 'AUD', US: 'USD' };
const LANGUAGE_CURRENCY: Readonly<Record<string, FiatCurrency>> = { fr: 'EUR', de: 'EUR', es: 'EUR', it: 'EUR', nl: 'EUR', pt: 'EUR', ja: 'JPY', en: 'USD' };

/**
 * The currency a donor sees when they chose none: from their language tag's region (en-GB: GBP,
 * fr-CH: CHF), else its language (fr: EUR, ja: JPY), else USD.
 */
export function currencyForLocale(tag: string | undefined): FiatCurrency {
  const [language, region] = (tag ?? '').split(/[-_]/);
  const byRegion = region === undefined ? undefined : REGION_CURRENCY[region.toUpperCase()];
  if (byRegion !== undefined) return byRegion;
  if (region !== undefined && /^[a-z]{2}$/i.test(region) && ['AT', 'BE', 'DE', 'ES', 'FI', 'FR', 'IE', 'IT', 'LU', 'NL', 'PT'].includes(region.toUpperCase())) return 'EUR';
  return LANGUAGE_CURRENCY[(language ?? '').toLowerCase()] ?? 'USD';
}

/** The first language of an Accept-Language header (quality order ignored: browsers list the preferred one first). */
export function firstLanguage(header: string | undefined): string | undefined {
  const first = header?.split(',')[0]?.split(';')[0]?.trim();
  return first === undefined || first === '' || first === '*' ? undefined : first;
}

export function parseDisplayCurrency(value: unknown): FiatCurrency | undefined {
  return isFiatCurrency(value) ? value : undefined;
}

import { z } from 'zod';
import { decimalOfJsonNumber, FIAT_CURRENCIES, parseRate, type FiatCurrency, type PriceQuote } from '../../money/fiat';

/**
 * A CoinGecko-style simple-price answer: `{ "<coin id>": { "eur": 0.1234, "usd": 0.13, ... } }`.
 * Each rate becomes an exact decimal string (fiat.ts, decimalOfJsonNumber); a currency the answer
 * lacks or gives nonsense for is left out, not guessed.
 */

/** The request kibble makes: the configured endpoint with ids and vs_currencies set. */
export function priceRequestUrl(base: string, coinId: string): string {
  const url = new URL(base);
  url.searchParams.set('ids', coinId);
  url.searchParams.set('vs_currencies', FIAT_CURRENCIES.map((c) => c.toLowerCase()).join(','));
  return url.toString();
}

const rateValue = z.union([z.number(), z.string().max(64)]);
const answerSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

/** The quotes an answer gives for `coinId`; an empty list when it gives none. */
export function quotesOfAnswer(json: unknown, coinId: string, at: Date, source: string): PriceQuote[] {
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) return [];
  const prices = parsed.data[coinId];
  if (prices === undefined) return [];
  const quotes: PriceQuote[] = [];
  for (const currency of FIAT_CURRENCIES) {
    const rate = exactRate(prices[currency.toLowerCase()], currency);
    if (rate !== null) quotes.push({ currency, rate, at: at.toISOString(), source });
  }
  return quotes;
}

function exactRate(value: unknown, currency: FiatCurrency): string | null {
  const parsed = rateValue.safeParse(value);
  if (!parsed.success) return null;
  const text = typeof parsed.data === 'number' ? decimalOfJsonNumber(parsed.data) : parsed.data;
  if (text === null) return null;
  try {
    parseRate(text, currency);
    return text;
  } catch {
    return null;
  }
}

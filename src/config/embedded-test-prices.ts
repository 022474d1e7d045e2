import { FIAT_CURRENCIES, isFiatCurrency, parseRate, type FiatCurrency } from '../money/fiat';

/**
 * EMBEDDED_TEST_PRICES: the fixed prices of one coin that the embedded regtest stack serves when
 * no PRICE_SOURCE_URL is set (runtime/embedded/test-prices.ts), so that fiat works out of the box
 * there. Regtest coins have no market: these are test values, never a real chain's.
 */

export interface TestPrice {
  currency: FiatCurrency;
  /** Fiat per coin, a plain decimal as written (validated by parseRate). */
  rate: string;
}

/** The default when the variable is unset; an empty value switches the test prices off. */
export const DEFAULT_EMBEDDED_TEST_PRICES = 'EUR=0.10,USD=0.11,GBP=0.09,CHF=0.09,JPY=16,CAD=0.15,AUD=0.17';

/** "EUR=0.10,USD=0.11" as a list; throws a message saying what is wrong. An empty text is no prices. */
export function parseTestPrices(text: string): TestPrice[] {
  if (text.trim() === '') return [];
  const prices: TestPrice[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z]{3})\s*=\s*([^\s=]+)\s*$/.exec(part);
    if (match === null) throw new Error(`"${part.trim()}" is not CURRENCY=RATE (e.g. EUR=0.10)`);
    const currency = (match[1] ?? '').toUpperCase();
    if (!isFiatCurrency(currency)) throw new Error(`${currency} is not one of ${FIAT_CURRENCIES.join(', ')}`);
    if (prices.some((p) => p.currency === currency)) throw new Error(`${currency} is given twice`);
    const rate = match[2] ?? '';
    parseRate(rate, currency);
    prices.push({ currency, rate });
  }
  return prices;
}

import { isKibbleError, KibbleError } from '../../errors';
import type { FiatCurrency, PriceQuote } from '../../money/fiat';
import type { PlanInput } from '../../money/settlement-plan';
import { currenciesNeeded } from './plan-input';

/** Where planning asks for a price (services/prices/prices.ts: the configured source, cached). */
export interface RateSource {
  quote(currency: FiatCurrency): Promise<PriceQuote>;
}

/**
 * The planner input with the prices its fiat budgets are converted at: the operator's (`settle
 * --rate`) for the currencies they gave, the price source's for the others. Refuses with
 * price-unavailable, saying how to give a rate, when a currency has neither: a month is never
 * planned at a guessed price.
 */
export async function withPlanRates(input: PlanInput, given: readonly PriceQuote[], source: RateSource | undefined, ticker: string): Promise<PlanInput> {
  const needed = currenciesNeeded(input);
  if (needed.length === 0) return input;
  const rates: PriceQuote[] = [];
  const missing: string[] = [];
  for (const currency of needed) {
    const operator = given.find((quote) => quote.currency === currency);
    if (operator !== undefined) {
      rates.push(operator);
      continue;
    }
    try {
      if (source === undefined) throw new KibbleError('price-unavailable', 'no price source is configured (PRICE_SOURCE_URL)');
      rates.push(await source.quote(currency));
    } catch (error) {
      if (!isKibbleError(error, 'price-unavailable')) throw error;
      missing.push(`${currency} (${error.message})`);
    }
  }
  if (missing.length > 0) {
    const flags = needed.filter((currency) => !rates.some((quote) => quote.currency === currency)).map((currency) => `--rate ${currency}=<price of one ${ticker}>`);
    throw new KibbleError(
      'price-unavailable',
      `${input.period} cannot be planned: donors budget in fiat and no price could be had for ${missing.join(', ')}. `
        + `Try again when the price source answers, or give the rate: kibble settle ${input.period} --execute ${flags.join(' ')}`,
      { currencies: needed },
    );
  }
  return { ...input, rates };
}

/** `--rate EUR=0.12` as a quote the plan records: the operator's, at the time it was given. */
export function operatorQuote(currency: FiatCurrency, rate: string, at: Date): PriceQuote {
  return { currency, rate, at: at.toISOString(), source: 'operator' };
}

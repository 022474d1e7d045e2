import { KibbleError } from '../../errors';
import type { Config } from '../../config/config';
import { createOutbound, type OutboundFetch } from '../../net/outbound';
import type { FiatCurrency, PriceQuote } from '../../money/fiat';
import { priceRequestUrl, quotesOfAnswer } from './price-answer';

/**
 * Coin prices from the configured source (PRICE_SOURCE_URL), cached for PRICE_CACHE_SECONDS.
 * Never throws to a page: `current()` answers either the quotes with their age, or why there are
 * none. A failed fetch is not retried before a short back-off, so a dead source does not slow
 * every page; a stale price is not shown as current (it is older than the cache allows).
 */

export type PriceState =
  | { status: 'available'; quotes: PriceQuote[]; fetchedAt: Date }
  | { status: 'unavailable'; reason: string };

export interface PriceSourceSettings {
  url: string | undefined;
  coinId: string;
  cacheSeconds: number;
  /** The source is the embedded regtest stack's own test prices (EMBEDDED_TEST_PRICES): pages say so. */
  testPrices?: boolean;
}

export interface PriceDeps {
  fetch: OutboundFetch;
  clock: () => Date;
  /** Told of every fetch: the metrics' counter. */
  onFetch?: (outcome: 'ok' | 'failed') => void;
}

/** A failed source is asked again after this long at the earliest. */
const RETRY_AFTER_FAILURE_MS = 10_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export class PriceService {
  #last: { quotes: PriceQuote[]; fetchedAt: Date } | undefined;
  #failure: { reason: string; at: Date } | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(private readonly settings: PriceSourceSettings, private readonly deps: PriceDeps) {}

  get configured(): boolean {
    return this.settings.url !== undefined;
  }

  /** True when the prices are the embedded regtest stack's test prices, not a market's. */
  get testPrices(): boolean {
    return this.settings.testPrices === true;
  }

  /** The current quotes (from the cache while fresh), or why there are none. */
  async current(): Promise<PriceState> {
    if (this.settings.url === undefined) return { status: 'unavailable', reason: 'no price source is configured (PRICE_SOURCE_URL)' };
    const now = this.deps.clock();
    if (!this.#fresh(now) && !this.#backingOff(now)) {
      this.#inFlight ??= this.#refresh(this.settings.url).finally(() => (this.#inFlight = undefined));
      await this.#inFlight;
    }
    if (this.#last !== undefined && this.#fresh(this.deps.clock())) return { status: 'available', ...this.#last };
    return { status: 'unavailable', reason: this.#failure?.reason ?? 'the price source gave no price' };
  }

  /** The quote of one currency now, or a price-unavailable error saying why. */
  async quote(currency: FiatCurrency): Promise<PriceQuote> {
    const state = await this.current();
    const quote = state.status === 'available' ? state.quotes.find((q) => q.currency === currency) : undefined;
    if (quote !== undefined) return quote;
    const why = state.status === 'unavailable' ? state.reason : `the price source gave no ${currency} price`;
    throw new KibbleError('price-unavailable', `no ${currency} price: ${why}`, { currency });
  }

  #fresh(now: Date): boolean {
    return this.#last !== undefined && now.getTime() - this.#last.fetchedAt.getTime() < this.settings.cacheSeconds * 1000;
  }

  #backingOff(now: Date): boolean {
    return this.#failure !== undefined && now.getTime() - this.#failure.at.getTime() < RETRY_AFTER_FAILURE_MS;
  }

  async #refresh(base: string): Promise<void> {
    const at = this.deps.clock();
    try {
      const response = await this.deps.fetch({ url: priceRequestUrl(base, this.settings.coinId), headers: { accept: 'application/json' }, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES });
      if (response.status !== 200) throw new Error(`the price source answered HTTP ${response.status}`);
      const quotes = quotesOfAnswer(parseJson(response.body.toString('utf8')), this.settings.coinId, at, sourceName(base));
      if (quotes.length === 0) throw new Error(`the price source's answer has no usable ${this.settings.coinId} price`);
      this.#last = { quotes, fetchedAt: at };
      this.#failure = undefined;
      this.deps.onFetch?.('ok');
    } catch (error) {
      this.#failure = { reason: reasonOf(error), at };
      this.deps.onFetch?.('failed');
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('the price source did not answer JSON');
  }
}

/** The source as a plan records it: its host only (a URL may carry an API key in its query). */
export function sourceName(base: string): string {
  return new URL(base).host;
}

function reasonOf(error: unknown): string {
  if (error instanceof KibbleError) return `the price source cannot be reached (${error.code}: ${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The process's price service as configured (one per process: its cache is shared by pages and
 * planning). `testPrices`: PRICE_SOURCE_URL is the embedded stack's own test-price server on
 * 127.0.0.1 (runtime/embedded/test-prices.ts), which this service alone may then reach.
 */
export function pricesFromConfig(config: Config, clock: () => Date, onFetch?: (outcome: 'ok' | 'failed') => void, testPrices = false): PriceService {
  return new PriceService(
    { url: config.priceSourceUrl, coinId: config.priceCoinId, cacheSeconds: config.priceCacheSeconds, testPrices },
    { fetch: createOutbound({ allowPrivate: config.outboundAllowPrivate || testPrices }), clock, ...(onFetch === undefined ? {} : { onFetch }) },
  );
}

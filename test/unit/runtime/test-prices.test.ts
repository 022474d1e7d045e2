import { parseTestPrices } from '../../../src/config/embedded-test-prices';
import { testPriceAnswer } from '../../../src/runtime/embedded/test-prices';
import { priceRequestUrl, quotesOfAnswer } from '../../../src/services/prices/price-answer';

const prices = parseTestPrices('EUR=0.10,USD=0.11');
const at = new Date('2026-12-06T12:00:00Z');

/** What kibble's price reader makes of the test server's answer to kibble's own request. */
function quotesFor(coinId: string, asked = coinId) {
  const query = new URL(priceRequestUrl('http://127.0.0.1:1/api/v3/simple/price', asked)).searchParams;
  return quotesOfAnswer(JSON.parse(testPriceAnswer(prices, coinId, query)) as unknown, asked, at, 'test');
}

describe("the embedded stack's test prices, read back by the real price reader", () => {
  it('answers the configured rates, exactly, in the CoinGecko shape', () => {
    expect(quotesFor('dogecoin')).toEqual([
      { currency: 'EUR', rate: '0.1', at: at.toISOString(), source: 'test' },
      { currency: 'USD', rate: '0.11', at: at.toISOString(), source: 'test' },
    ]);
  });

  it('answers nothing for another coin, and only the currencies asked for', () => {
    expect(quotesFor('dogecoin', 'litecoin')).toEqual([]);
    expect(testPriceAnswer(prices, 'dogecoin', new URLSearchParams({ ids: 'dogecoin', vs_currencies: 'usd' }))).toBe('{"dogecoin":{"usd":0.11}}');
  });
});

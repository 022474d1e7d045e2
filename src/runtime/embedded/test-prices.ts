import { createServer, type Server } from 'node:http';
import type { TestPrice } from '../../config/embedded-test-prices';

/**
 * The embedded regtest stack's own price source (EMBEDDED_TEST_PRICES): a CoinGecko-style
 * simple-price endpoint on 127.0.0.1 answering fixed test prices, so that values in fiat and
 * budgets in EUR work there out of the box. kibble reads it like any other source (PRICE_SOURCE_URL
 * points at it), so pages, the API and planning take the real code path. Regtest coins have no
 * market; nothing but the embedded stack starts this.
 */

export interface TestPriceServer {
  /** The PRICE_SOURCE_URL to use: http://127.0.0.1:<port>/api/v3/simple/price */
  url: string;
  stop(): Promise<void>;
}

const PATH = '/api/v3/simple/price';

/** The answer to `ids=<coin>&vs_currencies=eur,usd,...`: the asked coin's prices in the asked currencies that are set. */
export function testPriceAnswer(prices: readonly TestPrice[], coinId: string, query: URLSearchParams): string {
  const ids = (query.get('ids') ?? '').split(',');
  const wanted = new Set((query.get('vs_currencies') ?? '').split(',').map((c) => c.trim().toLowerCase()));
  if (!ids.includes(coinId)) return '{}';
  // The rates are validated plain decimals: written as JSON numbers, as CoinGecko answers.
  const fields = prices.filter((p) => wanted.has(p.currency.toLowerCase())).map((p) => `"${p.currency.toLowerCase()}":${p.rate}`);
  return `{"${coinId}":{${fields.join(',')}}}`;
}

export async function startTestPriceServer(prices: readonly TestPrice[], coinId: string): Promise<TestPriceServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== PATH) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(testPriceAnswer(prices, coinId, url.searchParams));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

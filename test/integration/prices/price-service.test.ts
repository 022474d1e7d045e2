import { createOutbound } from '../../../src/net/outbound';
import { PriceService } from '../../../src/services/prices/prices';
import { rejectedCode } from '../../support/errors';
import { deadPriceUrl, startPriceServer, type PriceServer } from '../../support/price-server';

describe('PriceService against a local price source', () => {
  let server: PriceServer;
  let now = new Date('2026-12-06T12:00:00.000Z');
  const clock = () => now;
  const fetch = createOutbound({ allowPrivate: true });

  beforeAll(async () => {
    server = await startPriceServer({ dogecoin: { eur: 0.1234, usd: 0.13 } });
  });
  afterAll(() => server.close());

  it('gives the quotes, cached for the configured time, then asks again', async () => {
    const prices = new PriceService({ url: server.url, coinId: 'dogecoin', cacheSeconds: 60 }, { fetch, clock });
    const first = await prices.current();
    expect(first).toEqual({ status: 'available', fetchedAt: now, quotes: [
      { currency: 'EUR', rate: '0.1234', at: now.toISOString(), source: new URL(server.url).host },
      { currency: 'USD', rate: '0.13', at: now.toISOString(), source: new URL(server.url).host },
    ] });
    const asked = server.requests;
    now = new Date(now.getTime() + 59_000);
    await prices.current();
    expect(server.requests).toBe(asked);
    now = new Date(now.getTime() + 2_000);
    server.answer = { dogecoin: { eur: '0.2' } };
    expect((await prices.quote('EUR')).rate).toBe('0.2');
    expect(server.requests).toBe(asked + 1);
    expect(await rejectedCode(prices.quote('USD'))).toBe('price-unavailable');
  });

  it('says why when the source fails, and does not keep an expired price', async () => {
    server.answer = { dogecoin: { eur: 0.1 } };
    server.status = 200;
    const prices = new PriceService({ url: server.url, coinId: 'dogecoin', cacheSeconds: 10 }, { fetch, clock });
    expect((await prices.current()).status).toBe('available');
    server.status = 500;
    now = new Date(now.getTime() + 11_000);
    expect(await prices.current()).toEqual({ status: 'unavailable', reason: 'the price source answered HTTP 500' });
    server.status = 200;
    server.answer = 'not json';
    now = new Date(now.getTime() + 11_000);
    expect(await prices.current()).toEqual({ status: 'unavailable', reason: 'the price source did not answer JSON' });
  });

  it('is unavailable with a reason when nothing listens or nothing is configured', async () => {
    const down = new PriceService({ url: await deadPriceUrl(), coinId: 'dogecoin', cacheSeconds: 10 }, { fetch, clock });
    const state = await down.current();
    expect(state.status).toBe('unavailable');
    expect(state.status === 'unavailable' && state.reason).toMatch(/cannot be reached/);
    const none = new PriceService({ url: undefined, coinId: 'dogecoin', cacheSeconds: 10 }, { fetch, clock });
    expect(await none.current()).toEqual({ status: 'unavailable', reason: 'no price source is configured (PRICE_SOURCE_URL)' });
  });

  it('refuses a loopback source unless outgoing requests to private addresses are allowed', async () => {
    const strict = new PriceService({ url: server.url, coinId: 'dogecoin', cacheSeconds: 10 }, { fetch: createOutbound({ allowPrivate: false }), clock });
    expect(await rejectedCode(strict.quote('EUR'))).toBe('price-unavailable');
  });
});

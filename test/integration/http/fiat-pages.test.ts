import request from 'supertest';
import { createOutbound } from '../../../src/net/outbound';
import { PriceService } from '../../../src/services/prices/prices';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, TEST_START } from '../../support/http';
import { startPriceServer, type PriceServer } from '../../support/price-server';
import { postForm, signUpWeb, type WebUser } from '../../support/web';
import { credit, doge } from '../services/seed';

/**
 * Values in the donor's currency on the pages and the API, from a local price source: the donor
 * page's section in English and French, the fiat budget form (French decimal comma), the strict
 * JSON API, the thing page's value of a flattr, and "price unavailable" when the source fails.
 */
describe('fiat values and budgets on the pages and the API', () => {
  useTestDatabase();
  const t = createTestApp();
  let server: PriceServer;
  let donor: WebUser;
  let thingId: string;

  beforeAll(async () => {
    server = await startPriceServer({ dogecoin: { eur: 0.12345, usd: 0.13, jpy: 20 } });
    // The app reads deps.prices per request; its clock is the test's, so ages are the test's too.
    t.deps.prices = new PriceService({ url: server.url, coinId: 'dogecoin', cacheSeconds: 60 }, { fetch: createOutbound({ allowPrivate: true }), clock: () => t.clock() });
    t.clock.set(TEST_START);
    donor = await signUpWeb(t);
    await credit(donor.id, doge(100));
    const creator = await t.signUp();
    const thing = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url: 'https://blog.example.org/fiat', title: 'Fiat post' });
    thingId = (thing.body as { id: string }).id;
  });
  afterAll(() => server.close());

  const api = (method: 'get' | 'put', path: string, body?: object) => {
    const req = request(t.app)[method](path).set('Authorization', bearer(donor.token));
    return body === undefined ? req : req.send(body);
  };

  it('answers the prices with their age, and the donor in their currency (JSON strict)', async () => {
    const prices = await request(t.app).get('/api/v1/prices');
    expect(prices.status).toBe(200);
    expect(prices.body).toMatchObject({ status: 'available', ageSeconds: 0, reason: null });
    expect((prices.body as { quotes: unknown[] }).quotes).toContainEqual({ currency: 'EUR', rate: '0.12345', at: TEST_START.toISOString(), source: new URL(server.url).host });

    const set = await api('put', '/api/v1/me/fiat-budget', { currency: 'EUR', amount: '5' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ fiatBudget: { currency: 'EUR', amount: '5' }, estimate: '40.50222762' });
    for (const bad of [{ currency: 'EUR', amount: '5,5' }, { currency: 'XYZ', amount: '5' }, { currency: 'EUR', amount: '5.001' }, { currency: 'EUR', amount: '5', extra: 1 }, { currency: 'EUR', amount: 5 }]) {
      const res = await api('put', '/api/v1/me/fiat-budget', bad);
      expect([res.status, (res.body as { error: { code: string } }).error.code]).toEqual([400, 'validation-failed']);
    }

    t.clock.advance(30_000);
    const me = await api('get', '/api/v1/me/fiat');
    expect(me.status).toBe(200);
    // 100 DOGE at 0.12345 = 12.345 EUR, shown cut to 12.34; the estimate 40.50222762 DOGE is 4.99 EUR.
    expect(me.body).toEqual({
      currency: 'EUR', chosen: false, fiatBudget: { currency: 'EUR', amount: '5' },
      price: { currency: 'EUR', status: 'available', rate: '0.12345', at: TEST_START.toISOString(), ageSeconds: 30, source: new URL(server.url).host, reason: null },
      values: { balance: '12.34', monthlyBudget: '4.99' },
    });
    expect((await api('get', '/api/v1/me/fiat?currency=JPY')).body).toMatchObject({ currency: 'JPY', values: { balance: '2000' } });
    expect((await api('put', '/api/v1/me/currency', { currency: 'usd' })).status).toBe(400);
  });

  it('shows the donor page\'s values in English and French, and takes a French amount in the form', async () => {
    const english = await donor.agent.get('/donor?lang=en');
    expect(english.status).toBe(200);
    expect(english.text).toContain('<h2 id="fiat-heading">In your currency (EUR)</h2>');
    expect(english.text).toMatch(/<p id="fiat-price">1 DOGE = €0\.12345 \(127\.0\.0\.1:\d+, 30 s ago\)<\/p>/);
    expect(english.text).toContain('<p id="fiat-balance">Your balance is worth ≈ €12.34.</p>');
    expect(english.text).toContain('Your budget is set in EUR: €5.00 a month.');

    const french = await donor.agent.get('/donor?lang=fr');
    expect(french.text).toContain('<h2 id="fiat-heading">Dans votre monnaie (EUR)</h2>');
    expect(french.text).toContain('<p id="fiat-balance">Votre solde vaut ≈ 12,34\u00a0€.</p>');

    const saved = await postForm(donor.agent, '/donor/currency', '/donor/fiat-budget', { currency: 'EUR', amount: '7,50' });
    expect(saved.status).toBe(303);
    expect((await api('get', '/api/v1/me/fiat')).body).toMatchObject({ fiatBudget: { currency: 'EUR', amount: '7.5' } });
    // The page is French (the ?lang=fr above is remembered): so are its refusals, at the field.
    const refusals = {
      '7,505': 'Trop de décimales : 2 au plus sont permises.',
      '-5': 'Écrivez le budget comme un simple nombre, par exemple 5 ou 12,50, sans signe, espace ni séparateur de milliers.',
      '2000000': 'Le budget doit être inférieur à 1\u202f000\u202f000 par mois.',
    };
    for (const [amount, message] of Object.entries(refusals)) {
      const refused = await postForm(donor.agent, '/donor/currency', '/donor/fiat-budget', { currency: 'EUR', amount });
      expect({ amount, status: refused.status, error: fieldError(refused.text, 'amount') }).toEqual({ amount, status: 400, error: message });
    }
    const badCurrency = await postForm(donor.agent, '/donor/currency', '/donor/currency', { currency: 'XYZ' });
    expect(badCurrency.status).toBe(400);
    expect(badCurrency.text).toContain('Choisissez l’une de ces monnaies : EUR, USD, GBP, CHF, JPY, CAD, AUD.');
    const englishRefusal = await postForm(donor.agent, '/donor/currency?lang=en', '/donor/fiat-budget', { currency: 'EUR', amount: '7.505' });
    expect(fieldError(englishRefusal.text, 'amount')).toBe('Too many decimals: at most 2 are allowed.');

    const shown = await postForm(donor.agent, '/donor/currency', '/donor/currency', { currency: 'USD' });
    expect(shown.status).toBe(303);
    expect((await donor.agent.get('/donor?lang=en')).text).toContain('<p id="fiat-balance">Your balance is worth ≈ $13.00.</p>');
  });

  it('tells a donor what their flattr is worth in their currency on the thing page', async () => {
    const page = await donor.agent.get(`/t/${thingId}?lang=en`);
    // A 7.50 EUR budget became 60.75 DOGE at 0.12345 when set; less 10% fee, one flattr: 54.6750...; in USD at 0.13: 7.10.
    expect(page.text).toMatch(/<p id="flattr-worth-fiat" class="fiat-value">Your flattr here would be worth ≈ \$7\.10 now\. <small>\(1 DOGE = \$0\.13 /);
  });

  it('says "price unavailable" when the source fails, and the pages still work', async () => {
    server.status = 500;
    t.clock.advance(120_000);
    const prices = await request(t.app).get('/api/v1/prices');
    expect(prices.body).toEqual({ status: 'unavailable', fetchedAt: null, ageSeconds: null, quotes: [], reason: 'the price source answered HTTP 500' });
    const page = await donor.agent.get('/donor?lang=en');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Price unavailable right now: values in USD cannot be shown.');
    expect(page.text).not.toContain('id="fiat-balance"');
    const thing = await donor.agent.get(`/t/${thingId}?lang=fr`);
    expect(thing.status).toBe(200);
    expect(thing.text).toContain('<p id="flattr-worth-fiat" class="fiat-value">Valeur en USD : cours indisponible pour le moment.</p>');
    server.status = 200;
  });

  it("says plainly, in both languages, that the embedded regtest stack's prices are test prices", async () => {
    const real = t.deps.prices;
    t.deps.prices = new PriceService({ url: server.url, coinId: 'dogecoin', cacheSeconds: 60, testPrices: true }, { fetch: createOutbound({ allowPrivate: true }), clock: () => t.clock() });
    try {
      const english = await donor.agent.get('/donor?lang=en');
      expect(english.text).toContain('<p id="fiat-price" class="test-prices">1 DOGE = $0.13: TEST prices of the embedded regtest chain (0 s ago), fixed by EMBEDDED_TEST_PRICES; regtest coins have no market and are worth nothing.</p>');
      const french = await donor.agent.get(`/t/${thingId}?lang=fr`);
      expect(french.text).toMatch(/<small>\(1 DOGE = 0,13\s\$US : cours de TEST de la chaîne regtest intégrée \(il y a 0 s\)/);
    } finally {
      t.deps.prices = real;
    }
  });
});

/** The error shown at a form field (the layout's `field-<name>-error`), or null without one. */
function fieldError(page: string, name: string): string | null {
  return new RegExp(`<p class="error" id="field-${name}-error" role="alert">([^<]*)</p>`).exec(page)?.[1] ?? null;
}

import { priceRequestUrl, quotesOfAnswer } from '../../../../src/services/prices/price-answer';

const at = new Date('2026-12-06T12:00:00.000Z');

describe('a CoinGecko-style simple-price answer', () => {
  it('asks for the coin in every supported currency, keeping the rest of the URL', () => {
    const url = new URL(priceRequestUrl('https://prices.example/api/v3/simple/price?x_cg_demo_api_key=k', 'dogecoin'));
    expect(url.pathname).toBe('/api/v3/simple/price');
    expect(url.searchParams.get('ids')).toBe('dogecoin');
    expect(url.searchParams.get('vs_currencies')).toBe('eur,usd,gbp,chf,jpy,cad,aud');
    expect(url.searchParams.get('x_cg_demo_api_key')).toBe('k');
  });

  it('reads each rate as the exact decimal it was written as', () => {
    const json = JSON.parse('{"dogecoin":{"eur":0.1234,"usd":1.5e-7,"jpy":"18.25","gbp":0,"chf":-1,"cad":"1e3","aud":null,"xyz":1}}') as unknown;
    expect(quotesOfAnswer(json, 'dogecoin', at, 'prices.example')).toEqual([
      { currency: 'EUR', rate: '0.1234', at: at.toISOString(), source: 'prices.example' },
      { currency: 'USD', rate: '0.00000015', at: at.toISOString(), source: 'prices.example' },
      { currency: 'JPY', rate: '18.25', at: at.toISOString(), source: 'prices.example' },
    ]);
  });

  it.each([null, [], 'x', { bitcoin: { eur: 1 } }, { dogecoin: 5 }, { dogecoin: {} }])('gives nothing for %p', (json) => {
    expect(quotesOfAnswer(json, 'dogecoin', at, 's')).toEqual([]);
  });
});

import fc from 'fast-check';
import { monthAllocations } from '../../../src/money/allocations';
import { COIN } from '../../../src/money/amount';
import { budgetInCoins, coinsForFiat, decimalOfJsonNumber, decimalText, parseDecimal, parseFiatAmount, parseRate, type PriceQuote } from '../../../src/money/fiat';
import { planSettlement, type PlanInput } from '../../../src/money/settlement-plan';
import { kibbleErrorFrom, thrownCode } from '../../support/errors';

const eur = (rate: string): PriceQuote => ({ currency: 'EUR', rate, at: '2026-12-01T00:00:00.000Z', source: 'test' });

describe('coinsForFiat: floor(amount * 10^8 / rate) in koinu', () => {
  it.each([
    ['5', '0.12', 4_166_666_666n], // 41.666666666... DOGE, floored
    ['5', '0.1', 50n * COIN],
    ['12.5', '0.25', 50n * COIN],
    ['0.01', '3', 333_333n],
    ['1', '0.000000000000000001', 10n ** 26n],
    ['1000000', '0.05', 2n * 10n ** 7n * COIN],
  ])('%s EUR at %s EUR/DOGE', (amount, rate, expected) => {
    expect(coinsForFiat(parseDecimal(amount, 'amount', 2), parseRate(rate, 'EUR'))).toBe(expected);
  });

  it('never gives more than the budget is worth, and at most one koinu less', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 8n }), fc.integer({ min: 0, max: 2 }), fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.integer({ min: 0, max: 18 }), (a, sa, r, sr) => {
        const amount = { units: a, scale: sa };
        const rate = { units: r, scale: sr };
        const koinu = coinsForFiat(amount, rate);
        // Compare in a common scale: koinu * rate <= amount * 10^8 < (koinu + 1) * rate.
        const worth = (k: bigint) => k * r * 10n ** BigInt(sa);
        const budget = a * COIN * 10n ** BigInt(sr);
        expect(koinu).toBeGreaterThanOrEqual(0n);
        expect(worth(koinu) <= budget).toBe(true);
        expect(worth(koinu + 1n) > budget).toBe(true);
      }),
    );
  });

  it('does not depend on how the decimals are written (trailing zeros)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 8n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 4 }), (a, r, pad) => {
        const plain = coinsForFiat({ units: a, scale: 0 }, { units: r, scale: 6 });
        const padded = coinsForFiat({ units: a * 10n ** BigInt(pad), scale: pad }, { units: r * 10n ** BigInt(pad), scale: 6 + pad });
        expect(padded).toBe(plain);
      }),
    );
  });
});

describe('fiat amounts and rates at the edge', () => {
  it.each([['5', '5'], ['5.00', '5'], ['12.5', '12.5'], ['0.01', '0.01']])('accepts %s', (text, canonical) => {
    expect(parseFiatAmount(text, 'EUR')).toEqual({ currency: 'EUR', amount: canonical });
  });

  it.each([
    ['5', 'XYZ', 'currency'],
    ['-5', 'EUR', 'not-decimal'],
    ['1e3', 'EUR', 'not-decimal'],
    ['5.001', 'EUR', 'too-many-decimals'],
    ['1,5', 'EUR', 'not-decimal'],
    ['', 'EUR', 'not-decimal'],
    ['1000001', 'EUR', 'too-large'],
    [5, 'EUR', 'not-decimal'],
  ])('refuses %p %s (%s), a problem the pages can put in words', (text, currency, problem) => {
    const error = kibbleErrorFrom(() => parseFiatAmount(text, currency));
    expect([error.code, error.details?.problem]).toEqual(['validation-failed', problem]);
  });

  it.each(['0', '0.000', '-0.1', '1e-3', 'abc', '0.0000000000000000001', '1000000000000'])('refuses the rate %s', (text) => {
    expect(thrownCode(() => parseRate(text, 'EUR'))).toBe('validation-failed');
  });

  it('reads JSON numbers back as the decimal they were written as', () => {
    expect(decimalOfJsonNumber(0.1234)).toBe('0.1234');
    expect(decimalOfJsonNumber(JSON.parse('1.2e-7') as number)).toBe('0.00000012');
    expect(decimalOfJsonNumber(JSON.parse('123456.789') as number)).toBe('123456.789');
    expect(decimalOfJsonNumber(1e21)).toBe('1000000000000000000000');
    expect(decimalOfJsonNumber(0)).toBeNull();
    expect(decimalOfJsonNumber(-1)).toBeNull();
    expect(decimalOfJsonNumber(Number.NaN)).toBeNull();
  });

  it('writes decimals canonically', () => {
    expect(decimalText({ units: 510n, scale: 2 })).toBe('5.1');
    expect(decimalText({ units: 5n, scale: 3 })).toBe('0.005');
    expect(decimalText({ units: 500n, scale: 2 })).toBe('5');
  });

  it('refuses a budget whose currency has no rate, by code', () => {
    expect(thrownCode(() => budgetInCoins({ currency: 'USD', amount: '5' }, [eur('0.1')], 'd1'))).toBe('price-unavailable');
  });
});

describe('the planner with a fiat budget', () => {
  const base: PlanInput = {
    period: '2026-12',
    serviceFeeBps: 1000,
    dustThreshold: 1_000_000n,
    platformFeeBefore: 0n,
    feeAddress: null,
    donors: [
      { id: 'd1', monthlyBudget: 0n, fiatBudget: { currency: 'EUR', amount: '5' }, balance: 1000n * COIN, clickCreators: ['c1', 'c2', 'c1'] },
      { id: 'd2', monthlyBudget: 3n * COIN, balance: 1000n * COIN, clickCreators: ['c2'] },
    ],
    creators: [
      { id: 'c1', payoutAddress: 'a1', owedBefore: 0n },
      { id: 'c2', payoutAddress: 'a2', owedBefore: 0n },
    ],
    expiring: [],
    rates: [eur('0.12'), { currency: 'USD', rate: '0.13', at: '2026-12-01T00:00:00.000Z', source: 'test' }],
  };

  it('charges the budget converted at the recorded rate, floored to the koinu, and records the rate', () => {
    const plan = planSettlement(base);
    const d1 = plan.donors.find((d) => d.donorId === 'd1');
    expect(d1?.budget).toBe(4_166_666_666n);
    expect(d1?.charge).toBe(4_166_666_666n);
    expect(d1?.fiatBudget).toEqual({ currency: 'EUR', amount: '5' });
    expect(plan.donors.find((d) => d.donorId === 'd2')?.charge).toBe(3n * COIN);
    // Only the rates used are recorded.
    expect(plan.rates).toEqual([eur('0.12')]);
    expect(plan.totals.charged).toBe(4_166_666_666n + 3n * COIN);
  });

  it('charges at most the balance, as with a coin budget', () => {
    const poor = { ...base, donors: [{ ...(base.donors[0] as PlanInput['donors'][number]), balance: COIN }] };
    expect(planSettlement(poor).donors[0]?.charge).toBe(COIN);
  });

  it('gives the allocations the same conversion as the plan', () => {
    const plan = planSettlement(base);
    const credited = monthAllocations(base).reduce((sum, a) => sum + a.amount, 0n);
    expect(credited).toBe(plan.totals.creditedToCreators);
  });

  it('refuses without a rate for the currency (price-unavailable), and on bad rates (validation-failed)', () => {
    expect(thrownCode(() => planSettlement({ ...base, rates: [] }))).toBe('price-unavailable');
    expect(thrownCode(() => planSettlement({ ...base, rates: [eur('0')] }))).toBe('validation-failed');
    expect(thrownCode(() => planSettlement({ ...base, rates: [eur('0.1'), eur('0.2')] }))).toBe('validation-failed');
  });

  it('a month without fiat budgets needs no rate and records none', () => {
    const coinsOnly = { ...base, donors: base.donors.slice(1), rates: undefined };
    expect(planSettlement(coinsOnly).rates).toEqual([]);
  });
});

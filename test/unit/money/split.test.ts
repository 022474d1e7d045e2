import fc from 'fast-check';
import { COIN } from '../../../src/money/amount';
import { splitDonorBudget } from '../../../src/money/split';

describe('splitDonorBudget', () => {
  it('splits the seed example: budget 5 DOGE, 3 clicks, 10% fee -> fee 0.5, shares 1.5', () => {
    expect(splitDonorBudget({ monthlyBudget: 5n * COIN, balance: 100n * COIN, clickCount: 3, serviceFeeBps: 1000 })).toEqual({
      charge: 5n * COIN,
      fee: COIN / 2n,
      shares: [150_000_000n, 150_000_000n, 150_000_000n],
    });
  });

  it('charges nothing without clicks: the budget stays in the balance', () => {
    expect(splitDonorBudget({ monthlyBudget: 5n * COIN, balance: 5n * COIN, clickCount: 0, serviceFeeBps: 1000 })).toEqual({ charge: 0n, fee: 0n, shares: [] });
  });

  it('charges at most the balance', () => {
    expect(splitDonorBudget({ monthlyBudget: 5n * COIN, balance: 2n * COIN, clickCount: 2, serviceFeeBps: 0 }).charge).toBe(2n * COIN);
  });

  it('gives the remainder units one each to the earliest clicks', () => {
    expect(splitDonorBudget({ monthlyBudget: 11n, balance: 11n, clickCount: 3, serviceFeeBps: 0 }).shares).toEqual([4n, 4n, 3n]);
  });

  it('rounds the fee down', () => {
    expect(splitDonorBudget({ monthlyBudget: 19n, balance: 100n, clickCount: 1, serviceFeeBps: 1000 }).fee).toBe(1n);
  });

  it.each([
    [{ clickCount: -1, serviceFeeBps: 1000 }],
    [{ clickCount: 1.5, serviceFeeBps: 1000 }],
    [{ clickCount: 1, serviceFeeBps: 10_001 }],
  ])('refuses nonsense input %j', (bad) => {
    expect(() => splitDonorBudget({ monthlyBudget: 1n, balance: 1n, ...bad })).toThrow(RangeError);
  });

  it('always charges min(budget, balance), and fee plus shares sum to the charge exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.bigInt({ min: -(10n ** 10n), max: 10n ** 18n }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 10_000 }),
        (monthlyBudget, balance, clickCount, serviceFeeBps) => {
          const split = splitDonorBudget({ monthlyBudget, balance, clickCount, serviceFeeBps });
          const cap = balance < monthlyBudget ? balance : monthlyBudget;
          const sharesTotal = split.shares.reduce((a, b) => a + b, 0n);
          const maxShare = split.shares.reduce((a, b) => (a > b ? a : b), 0n);
          const minShare = split.shares.reduce((a, b) => (a < b ? a : b), maxShare);
          return (
            split.charge === (cap > 0n ? cap : 0n) &&
            split.fee + sharesTotal === split.charge &&
            split.shares.length === clickCount &&
            maxShare - minShare <= 1n &&
            split.shares.every((share, i) => i === 0 || share <= (split.shares[i - 1] as bigint))
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});

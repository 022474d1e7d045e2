import { COIN } from '../../../src/money/amount';
import { nextFlattrWorth, worthlessReasons } from '../../../src/money/flattr-worth';
import { splitDonorBudget } from '../../../src/money/split';

describe('what a flattr is worth before the month ends', () => {
  it.each([
    [0n, 0n, ['no-budget', 'no-balance']],
    [5n * COIN, 0n, ['no-balance']],
    [0n, 5n * COIN, ['no-budget']],
    [5n * COIN, -1n, ['no-balance']],
    [5n * COIN, 1n, []],
  ] as const)('budget %s, balance %s: worth nothing because %j', (monthlyBudget, balance, reasons) => {
    expect(worthlessReasons({ monthlyBudget, balance })).toEqual(reasons);
  });

  it('splits min(budget, balance) less the fee over the clicks so far plus this one', () => {
    // The seed's example: budget 5, 3 clicks, 10% fee: 1.5 each.
    expect(nextFlattrWorth({ monthlyBudget: 5n * COIN, balance: 100n * COIN, clicksSoFar: 2, serviceFeeBps: 1000 })).toBe(150_000_000n);
    expect(nextFlattrWorth({ monthlyBudget: 5n * COIN, balance: 2n * COIN, clicksSoFar: 0, serviceFeeBps: 1000 })).toBe(180_000_000n);
    expect(nextFlattrWorth({ monthlyBudget: 0n, balance: 2n * COIN, clicksSoFar: 4, serviceFeeBps: 1000 })).toBe(0n);
  });

  it('is the smallest share when the split leaves odd koinu (never overstated), and matches the split', () => {
    for (let clicksSoFar = 0; clicksSoFar < 50; clicksSoFar++) {
      const input = { monthlyBudget: 1_000_003n, balance: 10n * COIN, serviceFeeBps: 1000 };
      const shares = splitDonorBudget({ ...input, clickCount: clicksSoFar + 1 }).shares;
      const worth = nextFlattrWorth({ ...input, clicksSoFar });
      expect(worth).toBe(shares[clicksSoFar]);
      for (const share of shares) expect(worth <= share).toBe(true);
    }
  });
});

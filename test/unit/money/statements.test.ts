import { amountsByCreator, confirmationsOf, creatorIncome, unclaimedReturnDate, valueClicks } from '../../../src/money/statements';
import { monthAllocations } from '../../../src/money/allocations';
import { splitDonorBudget } from '../../../src/money/split';

const FEE_BPS = 1000;
const click = (creatorId: string, thingId: string) => ({ creatorId, thingId });

describe('statement arithmetic', () => {
  it("values a donor's clicks as the planner split them: remainder koinu to the earliest, summing to charge - fee", () => {
    const { fee } = splitDonorBudget({ monthlyBudget: 300_000_001n, balance: 300_000_001n, clickCount: 2, serviceFeeBps: FEE_BPS });
    const valued = valueClicks({ donorId: 'd', clicks: [click('a', 't1'), click('b', 't2')], charge: 300_000_001n, fee }, FEE_BPS);
    expect(valued.map((c) => c.value)).toEqual([135_000_001n, 135_000_000n]);
    expect(valued.reduce((sum, c) => sum + c.value, 0n)).toBe(300_000_001n - fee);
  });

  it('refuses a fee that disagrees with the charge (a statement must not invent figures)', () => {
    expect(() => valueClicks({ donorId: 'd', clicks: [click('a', 't')], charge: 1_000n, fee: 99n }, FEE_BPS)).toThrow(/differs from the plan/);
  });

  it('values nothing for a donor the month charged nothing', () => {
    expect(valueClicks({ donorId: 'd', clicks: [click('a', 't')], charge: 0n, fee: 0n }, FEE_BPS).map((c) => c.value)).toEqual([0n]);
  });

  it("agrees with monthAllocations on every (donor, creator) amount", () => {
    const donors = [
      { id: 'd1', monthlyBudget: 1_000_003n, balance: 5_000_000n, clicks: [click('a', 'ta'), click('b', 'tb'), click('a', 'ta2'), click('c', 'tc')] },
      { id: 'd2', monthlyBudget: 7n, balance: 7n, clicks: [click('c', 'tc'), click('b', 'tb')] },
    ];
    const allocations = monthAllocations({
      period: '2026-10', serviceFeeBps: FEE_BPS, dustThreshold: 0n, platformFeeBefore: 0n, feeAddress: null, expiring: [],
      creators: ['a', 'b', 'c'].map((id) => ({ id, payoutAddress: null, owedBefore: 0n })),
      donors: donors.map((d) => ({ id: d.id, monthlyBudget: d.monthlyBudget, balance: d.balance, clickCreators: d.clicks.map((c) => c.creatorId) })),
    });
    const fromStatements = donors.flatMap((d) => {
      const { charge, fee } = splitDonorBudget({ monthlyBudget: d.monthlyBudget, balance: d.balance, clickCount: 1, serviceFeeBps: FEE_BPS });
      return [...amountsByCreator(valueClicks({ donorId: d.id, clicks: d.clicks, charge, fee }, FEE_BPS))]
        .filter(([, amount]) => amount > 0n)
        .map(([creatorId, amount]) => ({ donorId: d.id, creatorId, amount }));
    });
    expect(fromStatements.sort((x, y) => (x.donorId + x.creatorId < y.donorId + y.creatorId ? -1 : 1))).toEqual(allocations);
  });

  it("sums a creator's income per thing over their supporters, counting supporters, not clicks", () => {
    const supporters = [
      { donorId: 'd1', clicks: [click('me', 't1'), click('other', 'x'), click('me', 't2')], charge: 1000n, fee: 100n },
      { donorId: 'd2', clicks: [click('me', 't1')], charge: 10n, fee: 1n },
    ];
    const income = creatorIncome('me', supporters, FEE_BPS);
    expect(income).toEqual({ supporters: 2, total: 300n + 300n + 9n, things: [{ thingId: 't1', flattrs: 2, amount: 309n }, { thingId: 't2', flattrs: 1, amount: 300n }] });
  });

  it('returns an unclaimed amount with the settlement UNCLAIMED_MONTHS later, once that month has ended', () => {
    expect(unclaimedReturnDate('2026-10', 6)).toEqual({ period: '2027-04', date: new Date('2027-05-01T00:00:00Z') });
    expect(unclaimedReturnDate('2026-12', 1)).toEqual({ period: '2027-01', date: new Date('2027-02-01T00:00:00Z') });
  });

  it('counts confirmations from the tip: 0 while not mined, null while the tip is unknown', () => {
    expect(confirmationsOf(100, 101)).toBe(2);
    expect(confirmationsOf(null, 101)).toBe(0);
    expect(confirmationsOf(102, 101)).toBe(0);
    expect(confirmationsOf(100, undefined)).toBeNull();
  });
});

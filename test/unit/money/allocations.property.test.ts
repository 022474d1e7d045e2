import fc from 'fast-check';
import { monthAllocations } from '../../../src/money/allocations';
import { planSettlement, type PlanCreator, type PlanDonor, type PlanInput } from '../../../src/money/settlement-plan';

/** Random months, smaller than the planner's own property test: donors click creators of one pool. */
const CREATORS = ['c0', 'c1', 'c2', 'c3'];

const donorArb = (id: string): fc.Arbitrary<PlanDonor> =>
  fc.record({
    id: fc.constant(id),
    monthlyBudget: fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: 10n ** 18n })),
    balance: fc.oneof(fc.bigInt({ min: -1_000n, max: 1_000n }), fc.bigInt({ min: 0n, max: 10n ** 18n })),
    clickCreators: fc.array(fc.constantFrom(...CREATORS), { maxLength: 30 }),
  });

const creatorArb = (id: string): fc.Arbitrary<PlanCreator> =>
  fc.record({ id: fc.constant(id), payoutAddress: fc.option(fc.constant(`addr-${id}`), { nil: null }), owedBefore: fc.bigInt({ min: 0n, max: 10n ** 9n }) });

const monthArb: fc.Arbitrary<PlanInput> = fc.record({
  period: fc.constant('2026-11'),
  serviceFeeBps: fc.oneof(fc.constantFrom(0, 1000, 10_000), fc.integer({ min: 0, max: 10_000 })),
  dustThreshold: fc.constantFrom(0n, 1_000n),
  platformFeeBefore: fc.constant(0n),
  feeAddress: fc.constant(null),
  donors: fc.uniqueArray(fc.constantFrom('d0', 'd1', 'd2', 'd3', 'd4', 'd5'), { maxLength: 6 }).chain((ids) => fc.tuple(...ids.map(donorArb))),
  creators: fc.tuple(...CREATORS.map(creatorArb)),
  expiring: fc.constant([]),
});

const sumBy = <T>(rows: readonly T[], key: (row: T) => string, amount: (row: T) => bigint): Map<string, bigint> => {
  const sums = new Map<string, bigint>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0n) + amount(row));
  return sums;
};

describe('monthAllocations', () => {
  it('gives each creator exactly what the planner credited, and each donor exactly their charge after the fee', () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const plan = planSettlement(input);
        const allocations = monthAllocations(input);
        const byCreator = sumBy(allocations, (a) => a.creatorId, (a) => a.amount);
        for (const line of plan.creators) expect(byCreator.get(line.creatorId) ?? 0n).toBe(line.credited);
        const byDonor = sumBy(allocations, (a) => a.donorId, (a) => a.amount);
        for (const donor of plan.donors) expect(byDonor.get(donor.donorId) ?? 0n).toBe(donor.charge - donor.fee);
        expect(allocations.every((a) => a.amount > 0n)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with the planner's unclaimed allocations for creators without a payout address", () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const unpaid = new Set(input.creators.filter((c) => c.payoutAddress === null).map((c) => c.id));
        const fromAllocations = monthAllocations(input).filter((a) => unpaid.has(a.creatorId));
        expect(fromAllocations).toEqual(planSettlement(input).unclaimedAllocations);
      }),
      { numRuns: 300 },
    );
  });

  it('is one allocation per (donor, creator) pair, sorted, whatever the order of the donors', () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const allocations = monthAllocations(input);
        const keys = allocations.map((a) => `${a.donorId}\u0000${a.creatorId}`);
        expect(keys).toEqual([...new Set(keys)].sort());
        expect(monthAllocations({ ...input, donors: [...input.donors].reverse() })).toEqual(allocations);
      }),
      { numRuns: 200 },
    );
  });

  it('splits a worked example as the split rule says: 100 after a 10% fee over three clicks', () => {
    const input: PlanInput = {
      period: '2026-11', serviceFeeBps: 1000, dustThreshold: 0n, platformFeeBefore: 0n, feeAddress: null, expiring: [],
      creators: [{ id: 'a', payoutAddress: 'x', owedBefore: 0n }, { id: 'b', payoutAddress: 'y', owedBefore: 0n }],
      donors: [{ id: 'd', monthlyBudget: 111n, balance: 1_000n, clickCreators: ['b', 'a', 'b'] }],
    };
    // charge 111, fee 11, 100 over 3 clicks: 34, 33, 33 -> b gets 34 + 33, a gets 33.
    expect(monthAllocations(input)).toEqual([{ donorId: 'd', creatorId: 'a', amount: 33n }, { donorId: 'd', creatorId: 'b', amount: 67n }]);
  });
});

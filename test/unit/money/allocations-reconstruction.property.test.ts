import fc from 'fast-check';
import { monthAllocations, reconstructAllocations } from '../../../src/money/allocations';
import { planSettlement, type PlanInput } from '../../../src/money/settlement-plan';

// A month's allocations rebuilt from what a settlement stores (the plan's donors and the counted
// clicks), checked against the plan: the same as from the planner's input, and any change shows.
const CREATORS = ['c0', 'c1', 'c2'];

const monthArb: fc.Arbitrary<PlanInput> = fc.record({
  period: fc.constant('2026-11'),
  serviceFeeBps: fc.oneof(fc.constantFrom(0, 1000, 10_000), fc.integer({ min: 0, max: 10_000 })),
  dustThreshold: fc.constantFrom(0n, 1_000n),
  platformFeeBefore: fc.constant(0n),
  feeAddress: fc.constant(null),
  donors: fc.uniqueArray(fc.constantFrom('d0', 'd1', 'd2', 'd3', 'd4'), { maxLength: 5 }).chain((ids) =>
    fc.tuple(...ids.map((id) => fc.record({
      id: fc.constant(id),
      monthlyBudget: fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: 10n ** 18n })),
      balance: fc.oneof(fc.bigInt({ min: -1_000n, max: 1_000n }), fc.bigInt({ min: 0n, max: 10n ** 18n })),
      clickCreators: fc.array(fc.constantFrom(...CREATORS), { maxLength: 20 }),
    })))),
  creators: fc.constant(CREATORS.map((id) => ({ id, payoutAddress: `addr-${id}`, owedBefore: 0n }))),
  expiring: fc.constant([]),
});

const clicksOf = (input: PlanInput): Map<string, readonly string[]> => new Map(input.donors.map((donor) => [donor.id, donor.clickCreators]));

describe('reconstructAllocations', () => {
  it("rebuilds exactly the planner's allocations from the stored plan and clicks, with no problem", () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const plan = planSettlement(input);
        const rebuilt = reconstructAllocations(plan, clicksOf(input), input.serviceFeeBps);
        expect(rebuilt.problems).toEqual([]);
        expect(rebuilt.allocations).toEqual(monthAllocations(input));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses clicks that moved to another creator, a click more or less, or another fee rate, when they change the split', () => {
    fc.assert(
      fc.property(monthArb, fc.nat(), fc.constantFrom('moved', 'added', 'removed', 'rate'), (input, pick, change) => {
        const plan = planSettlement(input);
        const charged = input.donors.filter((donor) => donor.clickCreators.length > 0 && (plan.donors.find((d) => d.donorId === donor.id)?.charge ?? 0n) > 0n);
        fc.pre(charged.length > 0);
        const donor = charged[pick % charged.length]!;
        const clicks = new Map(clicksOf(input));
        let bps = input.serviceFeeBps;
        if (change === 'moved') {
          const first = donor.clickCreators[0]!;
          const distributed = plan.donors.find((d) => d.donorId === donor.id)!;
          // Moving a click only changes the split when its share is not zero.
          fc.pre(distributed.charge - distributed.fee >= BigInt(donor.clickCreators.length));
          clicks.set(donor.id, [CREATORS.find((c) => c !== first)!, ...donor.clickCreators.slice(1)]);
        } else if (change === 'added') {
          clicks.set(donor.id, [...donor.clickCreators, 'c0']);
        } else if (change === 'removed') {
          clicks.set(donor.id, donor.clickCreators.slice(1));
        } else {
          const distributed = plan.donors.find((d) => d.donorId === donor.id)!;
          fc.pre(distributed.charge >= 10_000n);
          bps = input.serviceFeeBps === 0 ? 1 : input.serviceFeeBps - 1;
        }
        expect(reconstructAllocations(plan, clicks, bps).problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses clicks of a donor the plan does not know', () => {
    const input: PlanInput = { period: '2026-11', serviceFeeBps: 1000, dustThreshold: 0n, platformFeeBefore: 0n, feeAddress: null, donors: [{ id: 'd0', monthlyBudget: 500n, balance: 500n, clickCreators: ['c0'] }], creators: [{ id: 'c0', payoutAddress: null, owedBefore: 0n }], expiring: [] };
    const plan = planSettlement(input);
    const clicks = new Map([['d0', ['c0']], ['d9', ['c0']]]);
    expect(reconstructAllocations(plan, clicks, 1000).problems).toEqual(['donor d9 has 1 counted clicks the plan does not know']);
  });
});

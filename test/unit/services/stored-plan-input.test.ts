import { stringifyWithBigints } from '../../../src/money/bigint-json';
import { planInputOf, storedPlanInput } from '../../../src/services/settlement/plan-store';
import { monthInput } from '../proofs/payday-month';
import { kibbleErrorFrom } from '../../support/errors';

describe("the planner's input as the plan stores it", () => {
  it('names each click by its creator\'s index and reads back the same input', () => {
    const input = monthInput();
    const stored = storedPlanInput(input);
    expect(stored.donors[0]?.clicks).toEqual([0, 1, 2]);
    expect(stringifyWithBigints(stored.donors)).not.toContain(input.creators[0]?.id as string);
    expect(planInputOf(stored)).toEqual(input);
  });

  it('refuses a click on a creator it does not list, either way', () => {
    const input = monthInput();
    const bad = { ...input, donors: [{ ...(input.donors[0] as (typeof input.donors)[number]), clickCreators: ['f'.repeat(24)] }] };
    expect(kibbleErrorFrom(() => storedPlanInput(bad)).code).toBe('internal');
    const stored = storedPlanInput(input);
    (stored.donors[0] as (typeof stored.donors)[number]).clicks.push(99);
    expect(kibbleErrorFrom(() => planInputOf(stored)).code).toBe('internal');
  });
});

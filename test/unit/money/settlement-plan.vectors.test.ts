import { planSettlement, type PlanInput } from '../../../src/money/settlement-plan';
import { thrownCode } from '../../support/errors';
import { pick, plainJson, readVectors, units } from '../vector-files';

/** PlanInput as the fixture writes it: amounts as decimal strings of koinu. */
interface PlanJson {
  period: string;
  serviceFeeBps: number;
  dustThreshold: string;
  platformFeeBefore: string;
  feeAddress: string | null;
  donors: { id: string; monthlyBudget: string; balance: string; clickCreators: string[] }[];
  creators: { id: string; payoutAddress: string | null; owedBefore: string }[];
  expiring: { fromPeriod: string; donorId: string; creatorId: string; amount: string }[];
}
interface Vectors {
  defaults: PlanJson;
  valid: { description: string; input: Partial<PlanJson>; expected: Record<string, unknown> }[];
  invalid: { description: string; input: Partial<PlanJson>; code: string }[];
}

const vectors = readVectors('money/settlement-plan.json') as Vectors;

function planInput(overrides: Partial<PlanJson>): PlanInput {
  const json: PlanJson = { ...vectors.defaults, ...overrides };
  return {
    period: json.period,
    serviceFeeBps: json.serviceFeeBps,
    dustThreshold: units(json.dustThreshold),
    platformFeeBefore: units(json.platformFeeBefore),
    feeAddress: json.feeAddress,
    donors: json.donors.map((d) => ({ id: d.id, monthlyBudget: units(d.monthlyBudget), balance: units(d.balance), clickCreators: d.clickCreators })),
    creators: json.creators.map((c) => ({ id: c.id, payoutAddress: c.payoutAddress, owedBefore: units(c.owedBefore) })),
    expiring: json.expiring.map((e) => ({ fromPeriod: e.fromPeriod, donorId: e.donorId, creatorId: e.creatorId, amount: units(e.amount) })),
  };
}

describe('planSettlement vectors (test/fixtures/money/settlement-plan.json)', () => {
  it('the defaults make a valid, empty month', () => {
    expect(thrownCode(() => planSettlement(planInput({})))).toBe('no error');
  });

  it.each(vectors.valid)('$description', ({ input, expected }) => {
    const plan = planSettlement(planInput(input));
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(plainJson(pick(plan, Object.keys(expected)))).toEqual(expected);
  });

  it.each(vectors.invalid)('refuses $description ($code)', ({ input, code }) => {
    expect(thrownCode(() => planSettlement(planInput(input)))).toBe(code);
  });
});

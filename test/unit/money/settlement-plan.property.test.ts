import fc from 'fast-check';
import { assertBalancedJournal, creatorAccount, donorAccount, PLATFORM_FEES_ACCOUNT } from '../../../src/money/ledger';
import { nextPeriod } from '../../../src/money/period';
import { planSettlement, type ExpiringAllocation, type PlanCreator, type PlanDonor, type PlanInput, type SettlementPlan } from '../../../src/money/settlement-plan';
import { splitDonorBudget } from '../../../src/money/split';

/**
 * Random months. Donors and creators are drawn from one pool of account ids, so one account is
 * often donor and creator at once (never clicking itself). Amounts mix koinu-sized values, coin
 * sized values and values around 2^52 and above, where the planner changes how it adds.
 */
const POOL = Array.from({ length: 10 }, (_, i) => `u${i}`);
const PERIOD = '2024-06';
const EARLIER = ['2023-11', '2023-12', '2024-01'];

const amount = (max: bigint): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.bigInt({ min: 0n, max: 1_000n }),
    fc.bigInt({ min: 0n, max: max < 10n ** 12n ? max : 10n ** 12n }),
    fc.bigInt({ min: 0n, max }),
    fc.bigInt({ min: 2n ** 52n - 1_000n, max: 2n ** 52n + 1_000n }),
  );

const creatorArb = (id: string): fc.Arbitrary<PlanCreator> =>
  fc.record({
    id: fc.constant(id),
    payoutAddress: fc.option(fc.constantFrom('addr-1', 'addr-2', `addr-${id}`), { nil: null, freq: 3 }),
    owedBefore: amount(10n ** 15n),
  });

const monthArb: fc.Arbitrary<PlanInput> = fc
  .record({
    creatorIds: fc.subarray(POOL, { minLength: 1 }),
    donorIds: fc.subarray([...POOL, 'd-only-1', 'd-only-2']),
  })
  .chain(({ creatorIds, donorIds }) => {
    const donorArb = (id: string): fc.Arbitrary<PlanDonor> =>
      fc.record({
        id: fc.constant(id),
        monthlyBudget: amount(10n ** 18n),
        balance: fc.oneof(amount(10n ** 18n), fc.bigInt({ min: -(10n ** 10n), max: 0n })),
        clickCreators: fc.array(fc.constantFrom(...creatorIds), { maxLength: 25 }).map((clicks) => clicks.filter((c) => c !== id)),
      });
    const expiringArb: fc.Arbitrary<ExpiringAllocation[]> = fc.uniqueArray(
      fc.record({
        fromPeriod: fc.constantFrom(...EARLIER),
        donorId: fc.constantFrom(...POOL, 'gone-donor'),
        creatorId: fc.constantFrom(...creatorIds),
        amount: amount(10n ** 15n),
      }),
      { maxLength: 8, selector: (row) => `${row.fromPeriod}:${row.donorId}:${row.creatorId}` },
    );
    return fc.record({
      period: fc.constant(PERIOD),
      serviceFeeBps: fc.oneof(fc.constantFrom(0, 1000, 10_000), fc.integer({ min: 0, max: 10_000 })),
      dustThreshold: fc.constantFrom(0n, 1n, 1_000n, 1_000_000n),
      platformFeeBefore: fc.oneof(fc.constant(0n), fc.bigInt({ min: -1_000n, max: 10n ** 9n })),
      feeAddress: fc.option(fc.constant('fee-addr'), { nil: null }),
      donors: fc.tuple(...donorIds.map(donorArb)),
      creators: fc.tuple(...creatorIds.map(creatorArb)),
      expiring: expiringArb,
    });
  });

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

/** Fisher-Yates with a small deterministic generator, so a failing case replays. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The creators' credits recomputed the slow, obvious way: every share of every click. */
function expectedCredits(input: PlanInput): Map<string, bigint> {
  const credits = new Map<string, bigint>(input.creators.map((c) => [c.id, 0n]));
  for (const donor of input.donors) {
    const { shares } = splitDonorBudget({ monthlyBudget: donor.monthlyBudget, balance: donor.balance, clickCount: donor.clickCreators.length, serviceFeeBps: input.serviceFeeBps });
    donor.clickCreators.forEach((creatorId, i) => credits.set(creatorId, (credits.get(creatorId) ?? 0n) + (shares[i] as bigint)));
  }
  return credits;
}

/** Plain assertions: jest's matchers are too slow for thousands of runs of dozens of checks each. */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`expected ${what}`);
}
function same<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`expected ${what}: got ${String(actual)}, want ${String(expected)}`);
}
function sameList(actual: readonly unknown[], expected: readonly unknown[], what: string): void {
  same(actual.map(String).join(','), expected.map(String).join(','), what);
}
function atMost(value: bigint, limit: bigint, what: string): void {
  if (value > limit) throw new Error(`expected ${what}: ${value} > ${limit}`);
}

function checkPlan(input: PlanInput, plan: SettlementPlan): void {
  const { totals } = plan;
  // Invariant 1 and the journal's own shape.
  if (plan.journal !== null) {
    assertBalancedJournal(plan.journal);
    sameList([plan.journal.id, plan.journal.kind, plan.journal.period], [`settlement:${input.period}:allocation`, 'settlement-allocation', input.period], 'journal id, kind, period');
  }

  // Invariant 3, and the split matches splitDonorBudget donor by donor.
  const inputDonors = new Map(input.donors.map((d) => [d.id, d]));
  for (const row of plan.donors) {
    const available = row.balanceBefore > 0n ? row.balanceBefore : 0n;
    atMost(row.charge, row.budget < available ? row.budget : available, `charge of ${row.donorId} within min(budget, balance)`);
    const donor = inputDonors.get(row.donorId);
    if (donor === undefined) continue;
    const split = splitDonorBudget({ monthlyBudget: donor.monthlyBudget, balance: donor.balance, clickCount: donor.clickCreators.length, serviceFeeBps: input.serviceFeeBps });
    sameList([row.charge, row.fee, row.clicks, row.budget, row.balanceBefore], [split.charge, split.fee, donor.clickCreators.length, donor.monthlyBudget, donor.balance], `donor ${row.donorId}`);
  }
  sameList(plan.donors.map((d) => d.donorId), [...plan.donors.map((d) => d.donorId)].sort(), 'donors sorted');
  for (const donor of input.donors) if (donor.clickCreators.length > 0) check(plan.donors.some((d) => d.donorId === donor.id), `donor ${donor.id} with clicks listed`);

  // Invariant 4 and the totals.
  const charged = sum(plan.donors.map((d) => d.charge));
  same(charged, totals.creditedToCreators + totals.serviceFee, 'charges == credits + service fee');
  same(totals.charged, charged, 'totals.charged');
  same(totals.serviceFee, sum(plan.donors.map((d) => d.fee)), 'totals.serviceFee');
  same(totals.creditedToCreators, sum(plan.creators.map((c) => c.credited)), 'totals.creditedToCreators');
  same(totals.paidToCreators, sum(plan.payments.map((p) => p.amount)), 'totals.paidToCreators');
  same(totals.carried, sum(plan.creators.map((c) => c.owedAfter)), 'totals.carried');
  same(totals.clicks, input.donors.reduce((n, d) => n + d.clickCreators.length, 0), 'totals.clicks');
  same(totals.donorsCharged, plan.donors.filter((d) => d.charge > 0n).length, 'totals.donorsCharged');
  same(totals.creatorsPaid, plan.payments.length, 'totals.creatorsPaid');

  // Every creator: exact credits, owed arithmetic, payments only to addresses and at least dust.
  const credits = expectedCredits(input);
  const byCreator = new Map(input.creators.map((c) => [c.id, c]));
  sameList(plan.creators.map((c) => c.creatorId), [...byCreator.keys()].sort(), 'every creator, sorted');
  for (const line of plan.creators) {
    const what = `creator ${line.creatorId}`;
    same(line.credited, credits.get(line.creatorId), `${what} credited`);
    same(line.owedBefore + line.credited - line.returned - line.paid, line.owedAfter, `${what} owedBefore + credited - returned - paid == owedAfter`);
    atMost(0n, line.owedAfter, `${what} owedAfter >= 0`);
    if (line.returned > 0n) same(line.payoutAddress, null, `${what} refunded only without an address`);
    const due = line.owedBefore + line.credited - line.returned;
    const outcome = due === 0n ? 'nothing-owed' : line.payoutAddress === null ? 'no-payout-address' : due < input.dustThreshold ? 'below-dust' : 'paid';
    same(line.outcome, outcome, `${what} outcome`);
    same(line.paid, outcome === 'paid' ? due : 0n, `${what} paid in full or not at all`);
  }
  for (const payment of plan.payments) {
    atMost(input.dustThreshold, payment.amount, `${payment.id} at least dust`);
    check(payment.amount > 0n, `${payment.id} positive`);
    same(payment.address, byCreator.get(payment.id.slice('creator:'.length))?.payoutAddress, `${payment.id} to the creator's address`);
  }
  sameList(plan.payments.map((p) => p.id), plan.creators.filter((c) => c.paid > 0n).map((c) => creatorAccount(c.creatorId)), 'one payment per paid creator, sorted');

  // Unclaimed allocations: only creators without an address, and they add up to their credits.
  for (const row of plan.unclaimedAllocations) {
    same(byCreator.get(row.creatorId)?.payoutAddress, null, `unclaimed allocation to ${row.creatorId} without address`);
    check(row.amount > 0n, 'unclaimed allocation positive');
  }
  for (const line of plan.creators) {
    const kept = sum(plan.unclaimedAllocations.filter((a) => a.creatorId === line.creatorId).map((a) => a.amount));
    same(kept, line.payoutAddress === null ? line.credited : 0n, `unclaimed allocations of ${line.creatorId}`);
  }

  // Refunds: only to creators without an address, as much as the rows say, capped at what is owed.
  same(totals.refunded, sum(plan.refunds.map((r) => r.amount)), 'totals.refunded == sum of refunds');
  same(totals.refunded, sum(plan.creators.map((c) => c.returned)), 'totals.refunded == sum returned');
  same(totals.refunded, sum(plan.donors.map((d) => d.refunded)), 'totals.refunded == sum refunded to donors');
  for (const refund of plan.refunds) {
    same(byCreator.get(refund.creatorId)?.payoutAddress, null, `refund from ${refund.creatorId} without address`);
    const row = input.expiring.find((e) => e.fromPeriod === refund.fromPeriod && e.donorId === refund.donorId && e.creatorId === refund.creatorId);
    check(row !== undefined && refund.amount > 0n && refund.amount <= row.amount, 'refund positive and within its row');
  }
  for (const line of plan.creators.filter((c) => c.payoutAddress === null)) {
    const claimed = sum(input.expiring.filter((e) => e.creatorId === line.creatorId).map((e) => e.amount));
    const owed = line.owedBefore + line.credited;
    same(line.returned, claimed < owed ? claimed : owed, `${line.creatorId} returns min(expiring, owed)`);
  }

  // The fee payment: the whole platform balance, at least dust, only with an address.
  const platformBalance = input.platformFeeBefore + totals.serviceFee;
  const feeDue = input.feeAddress !== null && platformBalance > 0n && platformBalance >= input.dustThreshold;
  sameList(plan.feePayment === null ? [] : [plan.feePayment.id, plan.feePayment.address, plan.feePayment.amount], feeDue ? ['platform-fee', input.feeAddress, platformBalance] : [], 'fee payment');

  // The journal says exactly what the plan says, account by account.
  const expected: string[] = [];
  for (const d of plan.donors) if (d.refunded !== d.charge) expected.push(`${donorAccount(d.donorId)}=${d.refunded - d.charge}`);
  for (const c of plan.creators) if (c.credited !== c.returned) expected.push(`${creatorAccount(c.creatorId)}=${c.credited - c.returned}`);
  if (totals.serviceFee !== 0n) expected.push(`${PLATFORM_FEES_ACCOUNT}=${totals.serviceFee}`);
  sameList((plan.journal?.lines ?? []).map((line) => `${line.account}=${line.amount}`), expected, 'journal lines');
  same(plan.journal === null, expected.length === 0, 'journal null only when nothing moves');
}

describe('planSettlement properties', () => {
  it('keeps every invariant of a settled month', () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        checkPlan(input, planSettlement(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the same plan whatever the order of its input arrays', () => {
    fc.assert(
      fc.property(monthArb, fc.integer(), (input, seed) => {
        const reordered: PlanInput = {
          ...input,
          donors: shuffled(input.donors, seed),
          creators: shuffled(input.creators, seed + 1),
          expiring: shuffled(input.expiring, seed + 2),
        };
        expect(planSettlement(reordered)).toEqual(planSettlement(input));
      }),
      { numRuns: 1500 },
    );
  });

  it('loses no koinu over months: what creators are credited is paid, returned or still owed', () => {
    // Several months in a row, each fed the previous month's owedAfter, as the ledger would.
    fc.assert(
      fc.property(fc.array(monthArb, { minLength: 2, maxLength: 5 }), fc.constantFrom(1_000n, 1_000_000n), (months, dust) => {
        const owed = new Map<string, bigint>();
        let period = PERIOD;
        let credited = 0n;
        let outflow = 0n;
        for (const month of months) {
          const creators = month.creators.map((c) => ({ ...c, owedBefore: owed.get(c.id) ?? 0n }));
          // Creators owed from before must stay listed, as the loader lists them.
          for (const [id, amount] of owed) if (amount !== 0n && !creators.some((c) => c.id === id)) creators.push({ id, payoutAddress: null, owedBefore: amount });
          const input: PlanInput = { ...month, period, dustThreshold: dust, creators };
          const plan = planSettlement(input);
          checkPlan(input, plan);
          credited += plan.totals.creditedToCreators;
          outflow += plan.totals.paidToCreators + plan.totals.refunded;
          for (const line of plan.creators) owed.set(line.creatorId, line.owedAfter);
          period = nextPeriod(period);
        }
        expect(sum([...owed.values()])).toBe(credited - outflow);
      }),
      { numRuns: 500 },
    );
  });
});

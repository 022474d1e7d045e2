import { isKibbleError } from '../../../src/errors';
import { COIN } from '../../../src/money/amount';
import { assertBalancedJournal } from '../../../src/money/ledger';
import {
  planSettlement,
  type CreatorLine,
  type ExpiringAllocation,
  type PlanCreator,
  type PlanDonor,
  type PlanInput,
  type SettlementPlan,
} from '../../../src/money/settlement-plan';

const DUST = COIN / 100n; // 0.01 DOGE, as on Dogecoin

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    period: '2024-03',
    serviceFeeBps: 1000,
    dustThreshold: DUST,
    platformFeeBefore: 0n,
    feeAddress: 'DFeeAddress',
    donors: [],
    creators: [],
    expiring: [],
    ...overrides,
  };
}

const donor = (id: string, monthlyBudget: bigint, balance: bigint, clickCreators: string[]): PlanDonor => ({ id, monthlyBudget, balance, clickCreators });
const creator = (id: string, payoutAddress: string | null = `addr-${id}`, owedBefore = 0n): PlanCreator => ({ id, payoutAddress, owedBefore });
const expiring = (fromPeriod: string, donorId: string, creatorId: string, amount: bigint): ExpiringAllocation => ({ fromPeriod, donorId, creatorId, amount });

function creatorLine(plan: SettlementPlan, id: string): CreatorLine {
  const line = plan.creators.find((c) => c.creatorId === id);
  if (line === undefined) throw new Error(`no line for creator ${id}`);
  return line;
}

function expectValidationError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isKibbleError(caught, 'validation-failed')).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('planSettlement', () => {
  describe('the worked example of DESIGN.md: budget 5 DOGE, 3 clicks, 10% fee', () => {
    const plan = planSettlement(
      input({
        donors: [donor('dana', 5n * COIN, 100n * COIN, ['alice', 'bob', 'carol'])],
        creators: [creator('carol'), creator('alice'), creator('bob')],
      }),
    );

    it('charges the budget, takes 0.5 DOGE of fee and credits 1.5 DOGE to each creator', () => {
      expect(plan.donors).toEqual([{ donorId: 'dana', budget: 500_000_000n, balanceBefore: 100n * COIN, clicks: 3, charge: 500_000_000n, fee: 50_000_000n, refunded: 0n }]);
      expect(plan.creators.map((c) => [c.creatorId, c.credited, c.paid, c.owedAfter, c.outcome])).toEqual([
        ['alice', 150_000_000n, 150_000_000n, 0n, 'paid'],
        ['bob', 150_000_000n, 150_000_000n, 0n, 'paid'],
        ['carol', 150_000_000n, 150_000_000n, 0n, 'paid'],
      ]);
    });

    it('pays every creator and the platform fee', () => {
      expect(plan.payments).toEqual([
        { id: 'creator:alice', address: 'addr-alice', amount: 150_000_000n },
        { id: 'creator:bob', address: 'addr-bob', amount: 150_000_000n },
        { id: 'creator:carol', address: 'addr-carol', amount: 150_000_000n },
      ]);
      expect(plan.feePayment).toEqual({ id: 'platform-fee', address: 'DFeeAddress', amount: 50_000_000n });
    });

    it('adds it all up in the totals', () => {
      expect(plan.totals).toEqual({
        charged: 500_000_000n,
        serviceFee: 50_000_000n,
        creditedToCreators: 450_000_000n,
        refunded: 0n,
        paidToCreators: 450_000_000n,
        carried: 0n,
        clicks: 3,
        donorsCharged: 1,
        creatorsPaid: 3,
      });
      expect(plan.unclaimedAllocations).toEqual([]);
      expect(plan.refunds).toEqual([]);
    });

    it('writes one balanced allocation journal', () => {
      expect(plan.journal).toEqual({
        id: 'settlement:2024-03:allocation',
        kind: 'settlement-allocation',
        period: '2024-03',
        lines: [
          { account: 'donor:dana', amount: -500_000_000n },
          { account: 'creator:alice', amount: 150_000_000n },
          { account: 'creator:bob', amount: 150_000_000n },
          { account: 'creator:carol', amount: 150_000_000n },
          { account: 'platform:fees', amount: 50_000_000n },
        ],
      });
      expect(() => assertBalancedJournal(plan.journal!)).not.toThrow();
    });
  });

  describe('the split', () => {
    it('gives the remainder koinu one each to the earliest clicks', () => {
      const plan = planSettlement(input({ serviceFeeBps: 0, dustThreshold: 1n, donors: [donor('d', 11n, 11n, ['c', 'a', 'b'])], creators: [creator('a'), creator('b'), creator('c')] }));
      expect(plan.creators.map((c) => [c.creatorId, c.credited])).toEqual([
        ['a', 4n],
        ['b', 3n],
        ['c', 4n],
      ]);
    });

    it('adds up the shares of several clicks to one creator and of several donors', () => {
      const plan = planSettlement(
        input({
          serviceFeeBps: 0,
          dustThreshold: 1n,
          donors: [donor('d1', 11n, 100n, ['a', 'b', 'a']), donor('d2', 10n, 100n, ['b'])],
          creators: [creator('a'), creator('b')],
        }),
      );
      // d1: shares 4, 4, 3 -> a gets 4 + 3, b gets 4; d2: all 10 to b.
      expect(creatorLine(plan, 'a').credited).toBe(7n);
      expect(creatorLine(plan, 'b').credited).toBe(14n);
      expect(plan.totals.clicks).toBe(4);
    });

    it('rounds the fee down and credits the rest', () => {
      const plan = planSettlement(input({ dustThreshold: 1n, donors: [donor('d', 19n, 100n, ['a'])], creators: [creator('a')] }));
      expect(plan.totals.serviceFee).toBe(1n);
      expect(creatorLine(plan, 'a').credited).toBe(18n);
    });

    it('charges at most the balance', () => {
      const plan = planSettlement(input({ donors: [donor('d', 5n * COIN, 2n * COIN, ['a'])], creators: [creator('a')] }));
      expect(plan.donors[0]?.charge).toBe(2n * COIN);
    });

    it.each([
      ['an empty balance', 0n, 5n * COIN],
      ['a negative balance', -3n * COIN, 5n * COIN],
      ['a zero budget', 10n * COIN, 0n],
    ])('charges nothing with %s, yet counts the clicks', (_label, balance, budget) => {
      const plan = planSettlement(input({ donors: [donor('d', budget, balance, ['a', 'b'])], creators: [creator('a'), creator('b')] }));
      expect(plan.donors).toEqual([{ donorId: 'd', budget, balanceBefore: balance, clicks: 2, charge: 0n, fee: 0n, refunded: 0n }]);
      expect(plan.creators.every((c) => c.outcome === 'nothing-owed')).toBe(true);
      expect(plan.totals).toMatchObject({ charged: 0n, clicks: 2, donorsCharged: 0, creatorsPaid: 0 });
      expect(plan.journal).toBeNull();
      expect(plan.feePayment).toBeNull();
    });

    it('leaves out donors without clicks and refunds', () => {
      const plan = planSettlement(input({ donors: [donor('idle', 5n * COIN, 5n * COIN, []), donor('d', COIN, COIN, ['a'])], creators: [creator('a')] }));
      expect(plan.donors.map((d) => d.donorId)).toEqual(['d']);
    });

    it('sums shares above 2^52 koinu exactly', () => {
      const huge = 2n ** 60n + 12_345n;
      const plan = planSettlement(
        input({
          serviceFeeBps: 0,
          donors: [donor('d1', huge, huge, ['a']), donor('d2', 2n ** 52n - 1n, huge, ['a']), donor('d3', 2n ** 52n - 3n, huge, ['a', 'a'])],
          creators: [creator('a')],
        }),
      );
      expect(creatorLine(plan, 'a').credited).toBe(huge + 2n ** 52n - 1n + 2n ** 52n - 3n);
    });

    it('keeps exact totals when many shares just below 2^52 pile up on one creator', () => {
      const share = 2n ** 52n - 7n;
      const donors = Array.from({ length: 50 }, (_, i) => donor(`d${i}`, share, share, ['a']));
      const plan = planSettlement(input({ serviceFeeBps: 0, donors, creators: [creator('a')] }));
      expect(creatorLine(plan, 'a').credited).toBe(share * 50n);
    });
  });

  describe('what cannot be paid this month', () => {
    it('carries an amount below dust and pays it once the months add up', () => {
      const creators = [creator('a')];
      const donors = [donor('d', 600_000n, 10n * COIN, ['a'])];
      const march = planSettlement(input({ serviceFeeBps: 0, donors, creators }));
      expect(creatorLine(march, 'a')).toEqual({ creatorId: 'a', payoutAddress: 'addr-a', owedBefore: 0n, credited: 600_000n, returned: 0n, paid: 0n, owedAfter: 600_000n, outcome: 'below-dust' });
      expect(march.payments).toEqual([]);
      expect(march.totals.carried).toBe(600_000n);

      const april = planSettlement(input({ period: '2024-04', serviceFeeBps: 0, donors, creators: [creator('a', 'addr-a', creatorLine(march, 'a').owedAfter)] }));
      expect(creatorLine(april, 'a')).toMatchObject({ owedBefore: 600_000n, credited: 600_000n, paid: 1_200_000n, owedAfter: 0n, outcome: 'paid' });
      expect(april.payments).toEqual([{ id: 'creator:a', address: 'addr-a', amount: 1_200_000n }]);
    });

    it('pays an amount owed from earlier months even without clicks this month', () => {
      const plan = planSettlement(input({ creators: [creator('a', 'addr-a', 3n * COIN)] }));
      expect(plan.payments).toEqual([{ id: 'creator:a', address: 'addr-a', amount: 3n * COIN }]);
      expect(creatorLine(plan, 'a').outcome).toBe('paid');
      // Nothing is allocated, so nothing is journaled: the payout journal records the payment.
      expect(plan.journal).toBeNull();
    });

    it('pays exactly at the dust threshold', () => {
      const plan = planSettlement(input({ serviceFeeBps: 0, donors: [donor('d', DUST, DUST, ['a'])], creators: [creator('a')] }));
      expect(creatorLine(plan, 'a').outcome).toBe('paid');
    });

    it('keeps what a creator without a payout address is given, per donor, to return it later', () => {
      const plan = planSettlement(
        input({
          serviceFeeBps: 0,
          donors: [donor('d2', 30n * COIN, 30n * COIN, ['nobody', 'a', 'nobody']), donor('d1', 10n * COIN, 10n * COIN, ['nobody'])],
          creators: [creator('a'), creator('nobody', null, 7n)],
        }),
      );
      expect(creatorLine(plan, 'nobody')).toEqual({ creatorId: 'nobody', payoutAddress: null, owedBefore: 7n, credited: 30n * COIN, returned: 0n, paid: 0n, owedAfter: 30n * COIN + 7n, outcome: 'no-payout-address' });
      expect(plan.unclaimedAllocations).toEqual([
        { donorId: 'd1', creatorId: 'nobody', amount: 10n * COIN },
        { donorId: 'd2', creatorId: 'nobody', amount: 20n * COIN },
      ]);
      expect(plan.payments.map((p) => p.id)).toEqual(['creator:a']);
    });

    it('records no unclaimed allocation for a donor charged nothing', () => {
      const plan = planSettlement(input({ donors: [donor('d', COIN, 0n, ['nobody'])], creators: [creator('nobody', null)] }));
      expect(plan.unclaimedAllocations).toEqual([]);
      expect(creatorLine(plan, 'nobody').outcome).toBe('nothing-owed');
    });
  });

  describe('expiring unclaimed allocations', () => {
    it('returns them to the donors they came from', () => {
      const plan = planSettlement(
        input({
          donors: [donor('d1', COIN, COIN, ['a'])],
          creators: [creator('a'), creator('ghost', null, 300n)],
          expiring: [expiring('2023-09', 'd2', 'ghost', 150n), expiring('2023-09', 'd1', 'ghost', 100n)],
        }),
      );
      expect(plan.refunds).toEqual([
        { donorId: 'd1', creatorId: 'ghost', fromPeriod: '2023-09', amount: 100n },
        { donorId: 'd2', creatorId: 'ghost', fromPeriod: '2023-09', amount: 150n },
      ]);
      expect(creatorLine(plan, 'ghost')).toEqual({ creatorId: 'ghost', payoutAddress: null, owedBefore: 300n, credited: 0n, returned: 250n, paid: 0n, owedAfter: 50n, outcome: 'no-payout-address' });
      // d2 has no clicks this month: listed for the refund only, its budget and balance unknown here.
      expect(plan.donors).toEqual([
        { donorId: 'd1', budget: COIN, balanceBefore: COIN, clicks: 1, charge: COIN, fee: COIN / 10n, refunded: 100n },
        { donorId: 'd2', budget: 0n, balanceBefore: 0n, clicks: 0, charge: 0n, fee: 0n, refunded: 150n },
      ]);
      expect(plan.totals.refunded).toBe(250n);
      expect(plan.journal?.lines).toEqual([
        { account: 'donor:d1', amount: 100n - COIN },
        { account: 'donor:d2', amount: 150n },
        { account: 'creator:a', amount: COIN - COIN / 10n },
        { account: 'creator:ghost', amount: -250n },
        { account: 'platform:fees', amount: COIN / 10n },
      ]);
    });

    it('keeps the budget and balance of a refunded donor who is in the input without clicks', () => {
      const plan = planSettlement(input({ donors: [donor('d', 5n, 9n, [])], creators: [creator('ghost', null, 10n)], expiring: [expiring('2023-09', 'd', 'ghost', 10n)] }));
      expect(plan.donors).toEqual([{ donorId: 'd', budget: 5n, balanceBefore: 9n, clicks: 0, charge: 0n, fee: 0n, refunded: 10n }]);
      expect(creatorLine(plan, 'ghost').outcome).toBe('nothing-owed');
    });

    it('returns no more than the creator is owed, oldest period first, then by donor', () => {
      const plan = planSettlement(
        input({
          creators: [creator('ghost', null, 100n)],
          expiring: [expiring('2023-09', 'zed', 'ghost', 60n), expiring('2023-09', 'amy', 'ghost', 50n), expiring('2023-08', 'zed', 'ghost', 30n)],
        }),
      );
      expect(plan.refunds).toEqual([
        { donorId: 'amy', creatorId: 'ghost', fromPeriod: '2023-09', amount: 50n },
        { donorId: 'zed', creatorId: 'ghost', fromPeriod: '2023-08', amount: 30n },
        { donorId: 'zed', creatorId: 'ghost', fromPeriod: '2023-09', amount: 20n },
      ]);
      expect(creatorLine(plan, 'ghost')).toMatchObject({ returned: 100n, owedAfter: 0n, outcome: 'nothing-owed' });
    });

    it('ignores them once the creator has a payout address: the creator is paid instead', () => {
      const plan = planSettlement(input({ creators: [creator('late', 'addr-late', 5n * COIN)], expiring: [expiring('2023-09', 'd', 'late', 5n * COIN)] }));
      expect(plan.refunds).toEqual([]);
      expect(plan.donors).toEqual([]);
      expect(creatorLine(plan, 'late')).toMatchObject({ returned: 0n, paid: 5n * COIN, outcome: 'paid' });
      expect(plan.journal).toBeNull();
    });

    it('merges a refund and a charge of the same donor into one journal line', () => {
      const plan = planSettlement(
        input({ serviceFeeBps: 0, donors: [donor('d', 40n, 40n, ['a'])], creators: [creator('a'), creator('ghost', null, 40n)], expiring: [expiring('2023-09', 'd', 'ghost', 40n)] }),
      );
      // Charged 40 and refunded 40: the donor's line nets to zero and is left out.
      expect(plan.journal?.lines).toEqual([
        { account: 'creator:a', amount: 40n },
        { account: 'creator:ghost', amount: -40n },
      ]);
    });
  });

  describe('the platform fee payment', () => {
    const donors = [donor('d', 5n * COIN, 5n * COIN, ['a'])];
    const creators = [creator('a')];

    it('pays the whole platform balance: what was left before plus this month', () => {
      const plan = planSettlement(input({ donors, creators, platformFeeBefore: 3n }));
      expect(plan.feePayment).toEqual({ id: 'platform-fee', address: 'DFeeAddress', amount: 50_000_003n });
    });

    it('keeps the fee in platform:fees without a fee address', () => {
      expect(planSettlement(input({ donors, creators, feeAddress: null })).feePayment).toBeNull();
    });

    it('waits while the balance is below dust', () => {
      const plan = planSettlement(input({ donors: [donor('d', 9_000_000n, COIN, ['a'])], creators }));
      expect(plan.totals.serviceFee).toBe(900_000n);
      expect(plan.feePayment).toBeNull();
    });

    it('pays an earlier balance even in a month without fees', () => {
      expect(planSettlement(input({ platformFeeBefore: COIN })).feePayment).toEqual({ id: 'platform-fee', address: 'DFeeAddress', amount: COIN });
    });

    it('pays nothing when network fees left the platform balance negative', () => {
      expect(planSettlement(input({ dustThreshold: 0n, platformFeeBefore: -5n })).feePayment).toBeNull();
    });
  });

  describe('the journal', () => {
    it('is null when nothing moves', () => {
      expect(planSettlement(input()).journal).toBeNull();
    });

    it('keeps the donor and creator accounts of one person apart', () => {
      const plan = planSettlement(
        input({
          serviceFeeBps: 0,
          donors: [donor('x', 10n, 10n, ['y']), donor('y', 4n, 4n, ['x'])],
          creators: [creator('x'), creator('y')],
        }),
      );
      expect(plan.journal?.lines).toEqual([
        { account: 'donor:x', amount: -10n },
        { account: 'donor:y', amount: -4n },
        { account: 'creator:x', amount: 4n },
        { account: 'creator:y', amount: 10n },
      ]);
    });
  });

  it('gives the same plan for the same input in any order', () => {
    const donors = [donor('d1', 7n, 7n, ['b', 'a']), donor('d2', 11n, 100n, ['a', 'ghost', 'b']), donor('d3', 0n, 5n, ['a'])];
    const creators = [creator('a'), creator('b', 'addr-b', 5n), creator('ghost', null, 20n)];
    const rows = [expiring('2023-09', 'd1', 'ghost', 3n), expiring('2023-08', 'd3', 'ghost', 4n)];
    const base = input({ serviceFeeBps: 300, dustThreshold: 3n, donors, creators, expiring: rows });
    const shuffled = { ...base, donors: [...donors].reverse(), creators: [creators[2]!, creators[0]!, creators[1]!], expiring: [...rows].reverse() };
    expect(planSettlement(shuffled)).toEqual(planSettlement(base));
  });

  it('does not modify its input', () => {
    const base = input({ donors: [donor('d2', COIN, COIN, ['b']), donor('d1', COIN, COIN, ['a'])], creators: [creator('b'), creator('a', null)], expiring: [expiring('2023-09', 'd1', 'a', 1n)] });
    const copy = structuredClone(base);
    planSettlement(base);
    expect(base).toEqual(copy);
  });

  describe('validation', () => {
    const ok = (): PlanInput => input({ donors: [donor('d', COIN, COIN, ['a'])], creators: [creator('a')] });

    it.each<[string, (i: PlanInput) => PlanInput, RegExp]>([
      ['a bad period', (i) => ({ ...i, period: '2024-13' }), /period/],
      ['fractional bps', (i) => ({ ...i, serviceFeeBps: 10.5 }), /serviceFeeBps/],
      ['negative bps', (i) => ({ ...i, serviceFeeBps: -1 }), /serviceFeeBps/],
      ['bps above 10000', (i) => ({ ...i, serviceFeeBps: 10_001 }), /serviceFeeBps/],
      ['a negative dust threshold', (i) => ({ ...i, dustThreshold: -1n }), /dustThreshold/],
      ['a number amount', (i) => ({ ...i, platformFeeBefore: 5 as unknown as bigint }), /platformFeeBefore must be a bigint/],
      ['an empty fee address', (i) => ({ ...i, feeAddress: '' }), /feeAddress/],
      ['a duplicate donor', (i) => ({ ...i, donors: [...i.donors, donor('d', 1n, 1n, [])] }), /donor d is listed twice/],
      ['a duplicate creator', (i) => ({ ...i, creators: [...i.creators, creator('a')] }), /creator a is listed twice/],
      ['a negative budget', (i) => ({ ...i, donors: [donor('d', -1n, COIN, ['a'])] }), /monthlyBudget of donor d/],
      ['a click to an unknown creator', (i) => ({ ...i, donors: [donor('d', COIN, COIN, ['a', 'stranger'])] }), /stranger, who is missing/],
      ['a click on oneself', (i) => ({ ...i, creators: [...i.creators, creator('d')], donors: [donor('d', COIN, COIN, ['d'])] }), /own thing/],
      ['a negative amount owed', (i) => ({ ...i, creators: [creator('a', 'addr-a', -1n)] }), /owedBefore of creator a/],
      ['an empty donor id', (i) => ({ ...i, donors: [donor('', COIN, COIN, ['a'])] }), /donor id/],
      ['an expiring row for an unknown creator', (i) => ({ ...i, expiring: [expiring('2023-09', 'd', 'stranger', 1n)] }), /stranger, who is missing/],
      ['a duplicate expiring row', (i) => ({ ...i, expiring: [expiring('2023-09', 'd', 'a', 1n), expiring('2023-09', 'd', 'a', 2n)] }), /listed twice/],
      ['an expiring row from the future', (i) => ({ ...i, expiring: [expiring('2024-04', 'd', 'a', 1n)] }), /after 2024-03/],
      ['a negative expiring amount', (i) => ({ ...i, expiring: [expiring('2023-09', 'd', 'a', -1n)] }), /must not be negative/],
    ])('refuses %s', (_label, spoil, message) => {
      expect(() => planSettlement(ok())).not.toThrow();
      expectValidationError(() => planSettlement(spoil(ok())), message);
    });
  });
});

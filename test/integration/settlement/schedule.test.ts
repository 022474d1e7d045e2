import { ClickModel } from '../../../src/db/click';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { startSettlementJobs } from '../../../src/jobs/settlement-jobs';
import { createLogger } from '../../../src/log';
import { creatorAccount, donorAccount } from '../../../src/money/ledger';
import { nextPeriod, periodOf } from '../../../src/money/period';
import { flattr } from '../../../src/services/clicks/clicks';
import { accountBalance } from '../../../src/services/ledger/balances';
import { doge } from '../../support/money';
import { MIN_CONFIRMATIONS, useSettlementWorld, type Creator, type Donor } from '../../support/settlement-world';

const day = (period: string, dayOfMonth: number): Date => new Date(`${period}-${String(dayOfMonth).padStart(2, '0')}T12:00:00Z`);

describe('settlement scheduling: catch-up in order, unclaimed returns, closing early', () => {
  const world = useSettlementWorld();
  let donor: Donor;
  let paid: Creator;
  let unclaimed: Creator;

  beforeAll(async () => {
    donor = await world.donor(doge(2));
    await world.fund(donor, doge(20));
    paid = await world.creator();
    unclaimed = await world.creator({ payoutAddress: null });
  });

  it('settles past months oldest first, one at a time, and returns what stayed unclaimed too long', async () => {
    // UNCLAIMED_MONTHS = 1: what the unclaimed creator got in January goes back in February.
    const service = world.service({ settings: { serviceFeeBps: 1000, minConfirmations: MIN_CONFIRMATIONS, unclaimedMonths: 1, feeAddress: world.feeAddress } });
    const [paidThing, unclaimedThing] = [await world.thing(paid), await world.thing(unclaimed)];
    await flattr(donor.id, paidThing, day('2026-01', 5));
    await flattr(donor.id, unclaimedThing, day('2026-01', 6));
    await flattr(donor.id, paidThing, day('2026-02', 5));

    const first = await service.settleDuePeriods();
    expect(first.map((s) => [s._id, s.state])).toEqual([['2026-01', 'broadcast']]); // February waits for January
    expect(await accountBalance(creatorAccount(unclaimed.id))).toBe(doge('0.9'));
    expect(await accountBalance(donorAccount(donor.id))).toBe(doge(18));

    await world.mineAndScan(MIN_CONFIRMATIONS);
    const second = await service.settleDuePeriods();
    expect(second.map((s) => [s._id, s.state])).toEqual([
      ['2026-01', 'confirmed'],
      ['2026-02', 'broadcast'],
    ]);
    // February: 2 DOGE charged, 1.8 to the paid creator; January's 0.9 returned to the donor.
    expect(await accountBalance(creatorAccount(unclaimed.id))).toBe(0n);
    expect(await accountBalance(donorAccount(donor.id))).toBe(doge(18) - doge(2) + doge('0.9'));
    const plan = await service.plan('2026-02');
    expect(plan.plan.refunds).toEqual([{ donorId: donor.id, creatorId: unclaimed.id, fromPeriod: '2026-01', amount: doge('0.9') }]);

    await world.mineAndScan(MIN_CONFIRMATIONS);
    expect((await service.followConfirmations()).map((s) => s.state)).toEqual(['confirmed']);
    const holdings = await world.holdings();
    expect(holdings.unbalanced).toEqual([]);
    expect(holdings.chainUnspent).toBe(holdings.ledgerHeld);
  });

  it('runs the catch-up at start-up from the jobs loop, under the lease', async () => {
    await flattr(donor.id, await world.thing(paid), day('2026-03', 9));
    const jobs = startSettlementJobs(world.service(), { cron: '0 0 1 * *', followIntervalMs: 200, log: createLogger('silent') });
    try {
      let march: Settlement | null = null;
      for (let i = 0; i < 100 && march?.state !== 'broadcast'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        march = await SettlementModel.findById('2026-03').lean<Settlement>();
      }
      expect(march?.state).toBe('broadcast');
      await world.mineAndScan(MIN_CONFIRMATIONS);
      for (let i = 0; i < 100 && march?.state !== 'confirmed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        march = await SettlementModel.findById('2026-03').lean<Settlement>();
      }
      expect(march?.state).toBe('confirmed');
    } finally {
      await jobs.stop();
    }
  });

  it('closes the current month early: its clicks are settled, later clicks go to the next month', async () => {
    const current = periodOf(new Date());
    const thing = await world.thing(paid);
    await flattr(donor.id, thing, new Date());
    // The real wait: closing outlasts every instance's memory of "this month is open".
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const settlement = await world.service({ sleep }).execute(current, { closeNow: true });
    expect(settlement).toMatchObject({ state: 'broadcast', closedEarly: true, summary: { clicks: 1 } });
    const later = await flattr(donor.id, await world.thing(paid), new Date());
    expect(later.period).toBe(nextPeriod(current));
    expect(await ClickModel.countDocuments({ period: current })).toBe(1);
  });
});

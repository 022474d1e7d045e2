import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { isKibbleError } from '../../../src/errors';
import { startSettlementJobs } from '../../../src/jobs/settlement-jobs';
import { createLogger } from '../../../src/log';
import { periodOf } from '../../../src/money/period';
import { flattr } from '../../../src/services/clicks/clicks';
import { doge } from '../../support/money';
import { useSettlementWorld } from '../../support/settlement-world';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitForState(period: string, state: Settlement['state'], timeoutMs = 15_000): Promise<Settlement | null> {
  const deadline = Date.now() + timeoutMs;
  let settlement: Settlement | null = null;
  while (Date.now() < deadline) {
    settlement = await SettlementModel.findById(period).lean<Settlement>();
    if (settlement?.state === state) return settlement;
    await sleep(100);
  }
  return settlement;
}

/** Runs `operation`, again while another holder has the settlement lease (up to 10 s). */
async function untilLeaseFree<T>(operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isKibbleError(error, 'lease-held') || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

describe('settlement runs across instances: a run stopped half-way is resumed, a live one is not joined', () => {
  const world = useSettlementWorld();

  it('finishes a month closed early whose run died after closing, although nothing was due at start-up', async () => {
    const donor = await world.donor(doge(2));
    await world.fund(donor, doge(10));
    const creator = await world.creator();
    const current = periodOf(new Date());
    await flattr(donor.id, await world.thing(creator), new Date());

    // The jobs start with nothing due: the start-up catch-up finds no past month and disarms.
    const jobs = startSettlementJobs(world.service(), { cron: '0 0 1 * *', followIntervalMs: 200, log: createLogger('silent') });
    try {
      await sleep(600);
      expect(await SettlementModel.findById(current).lean()).toBeNull();

      // Another instance closes the current month early and dies right after (a checkpoint that
      // throws stands for the kill: the closed month stays behind, its clicks frozen).
      const dying = world.service({
        sleep,
        checkpoint: (name) => {
          if (name === 'closed') throw new Error('killed after closing');
        },
      });
      // The jobs' follower takes the lease for a moment every 200 ms: like an operator, try again
      // while it answers lease-held.
      await expect(untilLeaseFree(() => dying.execute(current, { closeNow: true }))).rejects.toThrow('killed after closing');
      expect((await SettlementModel.findById(current).lean<Settlement>())?.state).toBe('closed');

      const resumed = await waitForState(current, 'broadcast');
      expect(resumed).toMatchObject({ state: 'broadcast', closedEarly: true, summary: { clicks: 1, donorsCharged: 1 } });
    } finally {
      await jobs.stop();
    }
  });

});

// A world of its own: the month above is the current one, and ledger books close in month order,
// so an earlier month cannot be settled after it on the same database.
describe("settlement runs across instances: an operator's run keeps its lease", () => {
  const world = useSettlementWorld();

  it("keeps the lease of an operator's run while the same instance's follower comes and goes", async () => {
    const donor = await world.donor(doge(2));
    await world.fund(donor, doge(10));
    await flattr(donor.id, await world.thing(await world.creator()), new Date('2026-05-10T12:00:00Z'));
    let resume = (): void => undefined;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    // One instance: the admin API's run (held at a checkpoint) and the jobs' follower share a service.
    const instance = world.service({
      leaseHolder: 'instance-one',
      checkpoint: async (name) => {
        if (name === 'closed') await paused;
      },
    });
    const other = world.service({ leaseHolder: 'instance-two' });

    const executing = instance.execute('2026-05');
    expect((await waitForState('2026-05', 'closed'))?.state).toBe('closed');
    const following = instance.followConfirmations();
    await sleep(300); // a follower pass with nothing broadcast takes a few ms: it would be over by now
    await expect(other.followConfirmations()).rejects.toMatchObject({ code: 'lease-held' });
    await expect(other.execute('2026-05')).rejects.toMatchObject({ code: 'lease-held' });
    resume();
    expect((await executing).state).toBe('broadcast');
    await following;
    expect(await other.followConfirmations()).toHaveLength(1); // free again once both are over
  });
});

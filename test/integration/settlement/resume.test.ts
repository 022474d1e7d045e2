import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { startSettlementJobs } from '../../../src/jobs/settlement-jobs';
import { createLogger } from '../../../src/log';
import { periodOf } from '../../../src/money/period';
import { flattr } from '../../../src/services/clicks';
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

describe('a run that stopped half-way is resumed by the settlement jobs', () => {
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
      await expect(dying.execute(current, { closeNow: true })).rejects.toThrow('killed after closing');
      expect((await SettlementModel.findById(current).lean<Settlement>())?.state).toBe('closed');

      const resumed = await waitForState(current, 'broadcast');
      expect(resumed).toMatchObject({ state: 'broadcast', closedEarly: true, summary: { clicks: 1, donorsCharged: 1 } });
    } finally {
      await jobs.stop();
    }
  });
});

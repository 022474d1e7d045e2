import { ChainCursorModel } from '../../../src/db/chain-cursor';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { depositCreditJournal } from '../../../src/money/ledger';
import { flattr } from '../../../src/services/clicks/clicks';
import { recordJournal } from '../../../src/services/ledger/ledger-store';
import { rejectedCode } from '../../support/errors';
import { doge } from '../../support/money';
import { useSettlementWorld, type Donor, type SettlementWorld } from '../../support/settlement-world';

/** A donor with a 2 DOGE budget, funded with 5, who flattred one thing in July 2026. */
async function donorWhoFlattredInJuly(world: SettlementWorld): Promise<Donor> {
  const donor = await world.donor(doge(2));
  await world.fund(donor, doge(5));
  await flattr(donor.id, await world.thing(await world.creator()), new Date('2026-07-03T00:00:00Z'));
  return donor;
}

describe('a settlement whose invariants fail is not signed', () => {
  const world = useSettlementWorld();

  it('stops before signing, stores the reason, and goes on once the ledger matches the chain again', async () => {
    const donor = await donorWhoFlattredInJuly(world);
    // A credit no coins back: the ledger now claims 1 DOGE more than the wallet holds.
    const bogus = depositCreditJournal(`${'ee'.repeat(32)}:0`, 1, donor.id, doge(1));
    await recordJournal(bogus, new Date());

    const service = world.service();
    expect(await rejectedCode(service.execute('2026-07'))).toBe('settlement-refused');
    const stopped = await SettlementModel.findById('2026-07').lean<Settlement>();
    expect(stopped?.state).toBe('planned');
    expect(stopped?.transactions).toEqual([]);
    expect(stopped?.lastError).toMatch(/invariant 2 \(chain matches ledger\).*ledger's custody says/);
    expect(await world.rpc.getRawMempool()).toEqual([]);

    // The operator finds and reverses the bad entry; the same stored plan then goes through.
    await recordJournal({ ...bogus, id: `${bogus.id}:reversal`, lines: bogus.lines.map((line) => ({ ...line, amount: -line.amount })) }, new Date());
    const resumed = await service.execute('2026-07');
    expect(resumed.state).toBe('broadcast');
    expect(resumed.lastError).toBeUndefined();
    expect(resumed.transactions).toHaveLength(1);
  });
});

describe('a settlement is not signed while the scanner has a rollback to finish', () => {
  const world = useSettlementWorld();

  it('is not signed while a rollback of the deposit scanner that stopped part-way is pending', async () => {
    await donorWhoFlattredInJuly(world);
    // What a scanner that crashed in the middle of a reorg's rollback leaves: the cursor unmoved.
    const cursor = await ChainCursorModel.findById(world.chain.name).lean();
    expect(cursor).not.toBeNull();
    await ChainCursorModel.updateOne({ _id: world.chain.name }, { $set: { rollingBackAbove: (cursor?.height as number) - 1 } });

    const service = world.service();
    expect(await rejectedCode(service.execute('2026-07'))).toBe('settlement-refused');
    const stopped = await SettlementModel.findById('2026-07').lean<Settlement>();
    expect(stopped?.transactions).toEqual([]);
    expect(stopped?.lastError).toMatch(/rollback of a reorg above height \d+ stopped part-way/);
    expect(await world.rpc.getRawMempool()).toEqual([]);

    await ChainCursorModel.updateOne({ _id: world.chain.name }, { $unset: { rollingBackAbove: 1 } });
    expect((await service.execute('2026-07')).state).toBe('broadcast');
  });
});

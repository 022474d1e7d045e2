// Two long-lived scanner instances take the scanner lease in turns (a release on shutdown, or a
// lease that lapsed while its holder stalled). Each must see the spends of outputs the other one
// recorded: its in-memory view is reloaded when it (re)takes the lease.
import { DepositModel } from '../../../src/db/deposit';
import { WalletSpendModel } from '../../../src/db/wallet-spend';
import { SCANNER_LEASE_SLOT_MS, LeasedScanner, scannerLease } from '../../../src/jobs/scanner-lease';
import { createLogger } from '../../../src/log';
import { flattr } from '../../../src/services/clicks/clicks';
import { DepositScanner, type ScanReport } from '../../../src/services/wallet-watch/scanner';
import { doge } from '../../support/money';
import { describeEachNode } from '../../support/regtest';
import { MIN_CONFIRMATIONS, useSettlementWorld } from '../../support/settlement-world';

interface Instance {
  leased: LeasedScanner;
  /** The reasons it logged for reloading its view of the wallet. */
  reloads: string[];
}

describeEachNode('scanner instances that take the lease in turns', (kind) => {
  const world = useSettlementWorld(kind);
  /** The lease's clock, moved by hand to let a lease lapse; the scanners keep real time. */
  let now = Date.now();
  const leaseClock = () => new Date(now);

  function bareScanner(reloads: string[]): DepositScanner {
    const log = createLogger('info', {
      write(line: string) {
        const entry = JSON.parse(line) as { msg: string; reason?: string };
        if (entry.msg === 'scanner reloads its view of the wallet' && entry.reason !== undefined) reloads.push(entry.reason);
      },
    });
    return new DepositScanner({ rpc: world.rpc, chain: world.chain, minConfirmations: MIN_CONFIRMATIONS, log, clock: () => new Date() });
  }

  function instance(holder: string): Instance {
    const reloads: string[] = [];
    return { leased: new LeasedScanner(bareScanner(reloads), scannerLease(holder, leaseClock)), reloads };
  }

  it('reloads when the stored cursor is not where it left it (another writer it was not told of)', async () => {
    const reloads: string[] = [];
    const x = bareScanner(reloads);
    const y = bareScanner([]);
    const creator = await world.creator();
    const donor = await world.donor(doge(5));
    await x.scanOnce();
    await world.faucet.pay([{ address: donor.address, amount: doge(30) }]);
    await world.faucet.mine(MIN_CONFIRMATIONS);
    expect(await y.scanOnce()).toMatchObject({ received: 1, credited: 1 });

    await flattr(donor.id, await world.thing(creator), new Date('2026-08-10T12:00:00Z'));
    const tx = (await world.service().execute('2026-08')).transactions[0];
    if (tx === undefined) throw new Error('no settlement transaction');
    await world.faucet.mine(MIN_CONFIRMATIONS);
    expect(await x.scanOnce()).toMatchObject({ spent: tx.inputs.length });
    expect(reloads).toEqual([expect.stringMatching(/^the stored cursor moved from \d+ to \d+: another process scanned$/)]);
    expect((await world.service().followConfirmations())[0]?.state).toBe('confirmed');
  });

  async function pass(scanner: Instance): Promise<ScanReport> {
    const report = await scanner.leased.pass();
    if (report === undefined) throw new Error(`${scanner.leased.lease.holder} does not hold the lease`);
    return report;
  }

  it('each matches the spends of outputs the other recorded, after a release and after a lapse', async () => {
    const a = instance('instance-a');
    const b = instance('instance-b');
    const creator = await world.creator();
    const thing = await world.thing(creator);
    const donor = await world.donor(doge(5));

    await pass(a); // a holds the lease and a view of the wallet (empty)
    expect(await b.leased.pass()).toBeUndefined(); // b waits its turn
    await a.leased.release(); // a shuts down... but stays in memory, as after a lost lease

    // b records the deposit (and credits it): a's view knows nothing of it.
    await world.faucet.pay([{ address: donor.address, amount: doge(30) }]);
    await world.faucet.mine(MIN_CONFIRMATIONS);
    expect(await pass(b)).toMatchObject({ received: 1, credited: 1 });
    await b.leased.release();

    // The settlement spends it; a, back with the lease, must see that spend.
    await flattr(donor.id, thing, new Date('2026-09-10T12:00:00Z'));
    const first = (await world.service().execute('2026-09')).transactions[0];
    if (first === undefined) throw new Error('no settlement transaction');
    await world.faucet.mine(MIN_CONFIRMATIONS);
    expect(await pass(a)).toMatchObject({ spent: first.inputs.length, received: 1 }); // and the change
    expect(a.reloads).toContain('the scanner lease was (re)taken');
    expect((await world.service().followConfirmations())[0]?.state).toBe('confirmed');

    // Now a stalls past its slot without releasing; b takes the lapsed lease and records the next
    // month's spend of a's change output...
    now += 3 * SCANNER_LEASE_SLOT_MS;
    await flattr(donor.id, thing, new Date('2026-10-10T12:00:00Z'));
    const second = (await world.service().execute('2026-10')).transactions[0];
    if (second === undefined) throw new Error('no settlement transaction');
    await world.faucet.mine(MIN_CONFIRMATIONS);
    expect(await pass(b)).toMatchObject({ spent: second.inputs.length });
    expect((await world.service().followConfirmations())[0]?.state).toBe('confirmed');

    // ... and a, back after the lapse, sees it holds the lease again and reloads: it no longer
    // counts as unspent what b saw spent, and matches the spend of b's change output.
    now += 3 * SCANNER_LEASE_SLOT_MS;
    await flattr(donor.id, thing, new Date('2026-11-10T12:00:00Z'));
    const third = (await world.service().execute('2026-11')).transactions[0];
    if (third === undefined) throw new Error('no settlement transaction');
    await world.faucet.mine(MIN_CONFIRMATIONS);
    const reloadsBefore = a.reloads.length;
    expect(await pass(a)).toMatchObject({ spent: third.inputs.length });
    expect(a.reloads.slice(reloadsBefore)).toContain('the scanner lease was (re)taken');
    expect((await world.service().followConfirmations())[0]?.state).toBe('confirmed');

    const spends = await WalletSpendModel.find({ _id: { $in: [...first.inputs, ...second.inputs, ...third.inputs] } }).lean();
    expect(spends).toHaveLength(first.inputs.length + second.inputs.length + third.inputs.length);
    expect(await DepositModel.countDocuments({ accountId: donor.id, status: 'credited' })).toBe(1);
  });
});

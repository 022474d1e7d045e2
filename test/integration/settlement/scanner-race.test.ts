// Issue 12's race: `kibble scan --once` records the month's deposits, then the long-lived scanner
// of `kibble serve` (whose in-memory view predates them) reads the block holding the settlement.
// Before the fix its view did not know the deposits, the settlement's spends were never recorded
// and the month stayed `broadcast` for ever.
import { ChainCursorModel } from '../../../src/db/chain-cursor';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { WalletSpendModel } from '../../../src/db/wallet-spend';
import { startScannerLoop } from '../../../src/jobs/scanner-loop';
import { LeasedScanner, scannerLease } from '../../../src/jobs/scanner-lease';
import { createLogger } from '../../../src/log';
import { flattr } from '../../../src/services/clicks/clicks';
import type { ScanReport } from '../../../src/services/wallet-watch/scanner';
import { deploymentEnv, runKibbleProcess } from '../../support/cli';
import { doge } from '../../support/money';
import { describeEachNode } from '../../support/regtest';
import { MIN_CONFIRMATIONS, useSettlementWorld } from '../../support/settlement-world';

const PERIOD = '2026-10';
const IN_OCTOBER = (day: number) => new Date(Date.UTC(2026, 9, day, 12));

describeEachNode('the CLI records the deposits, the server scanner sees the settlement block', (kind) => {
  const world = useSettlementWorld(kind);

  async function cliScanOnce(): Promise<ScanReport> {
    const env = deploymentEnv(world.db, world.chain, world.node.rpcUrl, { MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS) });
    const { stdout } = await runKibbleProcess(['scan', '--once', '--json'], { env, timeout: 60_000 });
    return JSON.parse(stdout) as ScanReport;
  }

  // The server's long-lived scanner, under the lease as `kibble serve` holds it.
  let leased: LeasedScanner;
  beforeAll(() => {
    leased = new LeasedScanner(world.scanner, scannerLease('serve-instance', () => new Date()));
  });

  /** Runs the server's scanner loop (as `kibble serve` does) until it has stored the node's tip. */
  async function serveUntilTip(): Promise<ScanReport[]> {
    const reports: ScanReport[] = [];
    const loop = startScannerLoop(leased, 50, createLogger('silent'), (report) => reports.push(report));
    try {
      const tip = await world.rpc.getBlockCount();
      const deadline = Date.now() + 30_000;
      while ((await ChainCursorModel.findById(world.chain.name).lean())?.height !== tip || reports.length === 0) {
        if (Date.now() > deadline) throw new Error('the server scanner did not reach the tip in 30 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await loop.stop();
    }
    return reports;
  }

  it('reaches confirmed, the spends recorded by the server scanner itself', async () => {
    const creator = await world.creator();
    const thing = await world.thing(creator);
    // Budgets large enough that every output is 1 DOGE or more (dogecoind v1.14.1's soft dust).
    const donors = [await world.donor(doge(10)), await world.donor(doge(15))];
    // The server's scanner is up to date and holds its view of the wallet (empty so far).
    await serveUntilTip();

    await world.faucet.pay(donors.map((donor) => ({ address: donor.address, amount: doge(20) })));
    await world.faucet.mine(MIN_CONFIRMATIONS);
    const cli = await cliScanOnce();
    expect(cli).toMatchObject({ received: 2, credited: 2 });

    for (const donor of donors) await flattr(donor.id, thing, IN_OCTOBER(3));
    const broadcast = await world.service().execute(PERIOD);
    expect(broadcast.state).toBe('broadcast');
    const [tx] = broadcast.transactions;
    if (tx === undefined) throw new Error('no settlement transaction');

    await world.faucet.mine(MIN_CONFIRMATIONS);
    const served = await serveUntilTip();
    expect(served.reduce((sum, report) => sum + report.spent, 0)).toBe(tx.inputs.length);
    const spends = await WalletSpendModel.find({ _id: { $in: tx.inputs } }).lean();
    expect(spends.map((spend) => spend.spentByTxid)).toEqual(tx.inputs.map(() => tx.txid));

    // Confirmed from the scanner's own records: the follower had nothing to repair.
    let repairs = 0;
    const [followed] = await world.service({ onSpendRepair: () => (repairs += 1) }).followConfirmations();
    expect(followed?.state).toBe('confirmed');
    expect(repairs).toBe(0);
    expect((await SettlementModel.findById(PERIOD).lean<Settlement>())?.transactions[0]?.state).toBe('confirmed');
  });
});

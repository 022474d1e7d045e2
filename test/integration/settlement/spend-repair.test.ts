// The confirmation follower cannot wait for ever on a mined settlement transaction: buried
// MIN_CONFIRMATIONS deep in a block the scanner stored without recording its spends (a stale
// scanner, issue 12), the spends are recorded, counted once, and the month reaches confirmed.
import { SettlementModel, type Settlement, type SettlementTransaction } from '../../../src/db/settlement';
import { WalletSpendModel } from '../../../src/db/wallet-spend';
import { createMetrics, type KibbleMetrics } from '../../../src/http/metrics';
import { creatorAccount } from '../../../src/money/ledger';
import { flattr } from '../../../src/services/clicks/clicks';
import { accountBalance } from '../../../src/services/ledger/balances';
import { unbalancedJournals } from '../../../src/services/ledger/ledger-audit';
import type { SettlementService } from '../../../src/services/settlement/state-machine';
import { doge } from '../../support/money';
import { describeEachNode } from '../../support/regtest';
import { MIN_CONFIRMATIONS, type Creator, type Donor, useSettlementWorld } from '../../support/settlement-world';

const inMonth = (period: string) => new Date(`${period}-10T12:00:00Z`);

describeEachNode('the settlement follower repairs spends the scanner missed', (kind) => {
  const world = useSettlementWorld(kind);
  let metrics: KibbleMetrics;
  let service: SettlementService;
  let donor: Donor;
  let creator: Creator;
  let thing: string;

  beforeAll(async () => {
    metrics = createMetrics();
    service = world.service({ onSpendRepair: () => metrics.recordSpendRepair() });
    creator = await world.creator();
    thing = await world.thing(creator);
    donor = await world.donor(doge(5));
    await world.fund(donor, doge(50));
  });

  async function repairs(): Promise<number> {
    const metric = await metrics.registry.getSingleMetric('kibble_settlement_spend_repairs_total')?.get();
    return metric?.values[0]?.value ?? Number.NaN;
  }

  /** Settles `period` up to broadcast: one transaction paying the creator. */
  async function broadcastMonth(period: string): Promise<SettlementTransaction> {
    await flattr(donor.id, thing, inMonth(period));
    const settlement = await service.execute(period);
    expect(settlement.state).toBe('broadcast');
    expect(settlement.transactions).toHaveLength(1);
    return settlement.transactions[0] as SettlementTransaction;
  }

  const stateOf = async (period: string) => (await SettlementModel.findById(period).orFail().lean<Settlement>()).state;
  const spendsOf = async (tx: SettlementTransaction) => WalletSpendModel.find({ _id: { $in: tx.inputs } }).lean();

  it('waits for the scanner while it has not read the block, however deep: nothing is written ahead of it', async () => {
    const tx = await broadcastMonth('2026-08');
    await world.faucet.mine(MIN_CONFIRMATIONS + 1); // buried, but no scanner pass
    expect((await service.followConfirmations())[0]?.state).toBe('broadcast');
    expect(await spendsOf(tx)).toEqual([]);
    expect(await world.rpc.getRawMempool()).not.toContain(tx.txid); // mined, not sent again

    await world.scanner.scanOnce();
    expect((await spendsOf(tx)).map((spend) => spend.spentByTxid)).toEqual(tx.inputs.map(() => tx.txid));
    expect((await service.followConfirmations())[0]?.state).toBe('confirmed');
    expect(await repairs()).toBe(0);
  });

  it('records the missed spends once the transaction is buried, counts it once, and confirms the month', async () => {
    const owedBefore = await accountBalance(creatorAccount(creator.id));
    const tx = await broadcastMonth('2026-09');
    await world.mineAndScan(1);
    const recorded = await spendsOf(tx);
    expect(recorded).toHaveLength(tx.inputs.length);
    // What a stale scanner leaves behind: the block is stored, its spends are not.
    await WalletSpendModel.deleteMany({ _id: { $in: tx.inputs } });

    // One confirmation of MIN_CONFIRMATIONS: not buried, nothing written, not confirmed.
    expect((await service.followConfirmations())[0]?.state).toBe('broadcast');
    expect(await spendsOf(tx)).toEqual([]);
    expect(await repairs()).toBe(0);

    await world.mineAndScan(MIN_CONFIRMATIONS - 1);
    const [followed] = await service.followConfirmations();
    expect(followed?.state).toBe('confirmed');
    expect(followed?.transactions[0]).toMatchObject({ state: 'confirmed', blockHeight: recorded[0]?.spentHeight });
    // The same records the scanner wrote: same outpoints, spender, height and block.
    const repaired = await spendsOf(tx);
    const strip = (spends: typeof recorded) => spends.map(({ _id, spentByTxid, spentHeight, blockHash }) => ({ _id, spentByTxid, spentHeight, blockHash })).sort((a, b) => a._id.localeCompare(b._id));
    expect(strip(repaired)).toEqual(strip(recorded));
    expect(await repairs()).toBe(1);
    // The creator was paid out once (the payout journal), the ledger balances.
    expect(await accountBalance(creatorAccount(creator.id))).toBe(0n);
    expect(owedBefore).toBe(0n);
    expect(await unbalancedJournals()).toEqual([]);

    // Following again, and the scanner reading on, change nothing and count nothing more.
    await world.mineAndScan(1);
    expect(await service.followConfirmations()).toEqual([]);
    expect(await stateOf('2026-09')).toBe('confirmed');
    expect(strip(await spendsOf(tx))).toEqual(strip(recorded));
    expect(await repairs()).toBe(1);
    const holdings = await world.holdings();
    expect(holdings.ledgerHeld).toBe(holdings.chainUnspent);
  });

  it('finds the block by reading the blocks since the broadcast when every output is spent already', async () => {
    const tx = await broadcastMonth('2026-10');
    await world.mineAndScan(MIN_CONFIRMATIONS + 2);
    await WalletSpendModel.deleteMany({ _id: { $in: tx.inputs } });
    // The node as it answers once every output was spent: `gettxout` knows none of them.
    const spentEverywhere = new Proxy(world.rpc, {
      get: (target, key, receiver) => (key === 'getTxOut' ? async () => null : Reflect.get(target, key, receiver)),
    });
    const follower = world.service({ rpc: spentEverywhere, onSpendRepair: () => metrics.recordSpendRepair() });
    const [followed] = await follower.followConfirmations();
    expect(followed?.state).toBe('confirmed');
    expect((await spendsOf(tx)).map((spend) => spend.spentByTxid)).toEqual(tx.inputs.map(() => tx.txid));
    expect(await repairs()).toBe(2);
  });
});

import { Types } from 'mongoose';
import { AccountModel } from '../../../src/db/account';
import { ClickModel, clickKey } from '../../../src/db/click';
import { ThingModel } from '../../../src/db/thing';
import { auditChain } from '../../support/chain-audit';
import { doge } from '../../support/money';
import { describeEachNode, missingAtPeer, type NodeKind } from '../../support/regtest';
import { FEE_BPS, MIN_CONFIRMATIONS, useSettlementWorld } from '../../support/settlement-world';

const PERIOD = '2026-09';
const CREATORS = 3_200;
/** Room for 3,200 creators' set-up, planning, events and audit on a loaded 2-core CI machine (about 50-80 s); not a performance bound (bench:month is). */
const LARGE_MONTH_TIMEOUT_MS = 240_000;
/**
 * bcoin: 50 DOGE, 0.0140625 DOGE per creator (above kibble's 0.01 DOGE dust). dogecoind v1.14.1
 * charges extra fee at peers for every output below its fixed 1 DOGE soft-dust threshold (today's
 * nodes: 0.01 DOGE, which kibble follows), so there every share is 1.125 DOGE.
 */
const MONTH: Record<NodeKind, { budget: bigint; deposit: bigint }> = {
  bcoin: { budget: doge(50), deposit: doge(30) },
  dogecoind: { budget: doge(4_000), deposit: doge(2_400) },
};

describeEachNode('a month bigger than one standard transaction', (kind) => {
  const world = useSettlementWorld(kind);
  const { budget, deposit } = MONTH[kind];

  it('settles 3,200 creators in several standard transactions, all accepted and confirmed', async () => {
    const donor = await world.donor(budget);
    // Several deposits: each transaction spends confirmed outputs only, never another's change.
    for (let i = 0; i < 3; i++) await world.faucet.pay([{ address: donor.address, amount: deposit }]);
    await world.mineAndScan(MIN_CONFIRMATIONS);

    // Bulk set-up straight into the models: the click rules have their own tests.
    const creators = Array.from({ length: CREATORS }, (_, i) => ({ _id: new Types.ObjectId(), handle: `bulk${i}`, passwordHash: 'x', depositIndex: 1_000_000 + i, payoutAddress: world.randomAddress() }));
    await AccountModel.insertMany(creators);
    const things = creators.map((creator, i) => ({ _id: new Types.ObjectId(), url: `https://example.org/bulk/${i}`, title: `thing ${i}`, ownerId: creator._id }));
    await ThingModel.insertMany(things);
    await ClickModel.insertMany(
      things.map((thing, i) => ({ _id: clickKey(PERIOD, new Types.ObjectId(donor.id), thing._id), period: PERIOD, donorId: new Types.ObjectId(donor.id), thingId: thing._id, creatorId: thing.ownerId, at: new Date(Date.UTC(2026, 8, 1, 0, 0, i)), source: 'button' })),
    );

    const settlement = await world.service().execute(PERIOD);
    expect(settlement.state).toBe('broadcast');
    expect(settlement.transactions.length).toBeGreaterThanOrEqual(2);
    for (const tx of settlement.transactions) expect(tx.worstCaseBytes).toBeLessThan(world.chain.maxStandardTxBytes);
    const mempool = new Set(await world.rpc.getRawMempool());
    for (const tx of settlement.transactions) expect(mempool.has(tx.txid)).toBe(true);
    // dogecoind's own sendrawtransaction skips the relay-fee rules; its policy peer applies them.
    if (kind === 'dogecoind') expect(await missingAtPeer(world.node, settlement.transactions.map((tx) => tx.txid))).toEqual([]);

    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [confirmed] = await world.service().followConfirmations();
    expect(confirmed?.state).toBe('confirmed');

    // The budget less the 10% fee, split 3,200 ways, read back from the chain.
    const audit = await auditChain(world.rpc, world.chain);
    const paid = new Map<string, bigint>();
    for (const tx of settlement.transactions) {
      for (const output of audit.transactions.get(tx.txid)?.outputs ?? []) {
        if (output.address !== undefined) paid.set(output.address, (paid.get(output.address) ?? 0n) + output.value);
      }
    }
    const share = (budget - (budget * BigInt(FEE_BPS)) / 10_000n) / BigInt(CREATORS);
    expect(share * BigInt(CREATORS)).toBe(budget - (budget * BigInt(FEE_BPS)) / 10_000n);
    expect(creators.filter((creator) => paid.get(creator.payoutAddress) !== share)).toEqual([]);
    const holdings = await world.holdings();
    expect(holdings.unbalanced).toEqual([]);
    expect(holdings.chainUnspent).toBe(holdings.ledgerHeld);
  }, LARGE_MONTH_TIMEOUT_MS);
});

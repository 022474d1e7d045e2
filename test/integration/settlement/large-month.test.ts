import { Types } from 'mongoose';
import { AccountModel } from '../../../src/db/account';
import { ClickModel } from '../../../src/db/click';
import { ThingModel } from '../../../src/db/thing';
import { auditChain } from '../../support/chain-audit';
import { doge } from '../../support/money';
import { MIN_CONFIRMATIONS, SETTLEMENT_CHAIN, randomAddress, useSettlementWorld } from '../../support/settlement-world';

const PERIOD = '2026-09';
const CREATORS = 3_200;

describe('a month bigger than one standard transaction', () => {
  const world = useSettlementWorld();

  it('settles 3,200 creators in several standard transactions, all accepted and confirmed', async () => {
    const donor = await world.donor(doge(50));
    // Several deposits: each transaction spends confirmed outputs only, never another's change.
    for (let i = 0; i < 3; i++) await world.faucet.pay([{ address: donor.address, amount: doge(30) }]);
    await world.mineAndScan(MIN_CONFIRMATIONS);

    // Bulk set-up straight into the models: the click rules have their own tests.
    const creators = Array.from({ length: CREATORS }, (_, i) => ({ _id: new Types.ObjectId(), handle: `bulk${i}`, passwordHash: 'x', depositIndex: 1_000_000 + i, payoutAddress: randomAddress() }));
    await AccountModel.insertMany(creators);
    const things = creators.map((creator, i) => ({ _id: new Types.ObjectId(), url: `https://example.org/bulk/${i}`, title: `thing ${i}`, ownerId: creator._id }));
    await ThingModel.insertMany(things);
    await ClickModel.insertMany(
      things.map((thing, i) => ({ period: PERIOD, donorId: new Types.ObjectId(donor.id), thingId: thing._id, creatorId: thing.ownerId, at: new Date(Date.UTC(2026, 8, 1, 0, 0, i)), source: 'button' })),
    );

    const settlement = await world.service().execute(PERIOD);
    expect(settlement.state).toBe('broadcast');
    expect(settlement.transactions.length).toBeGreaterThanOrEqual(2);
    for (const tx of settlement.transactions) expect(tx.worstCaseBytes).toBeLessThan(SETTLEMENT_CHAIN.maxStandardTxBytes);
    const mempool = new Set(await world.rpc.getRawMempool());
    for (const tx of settlement.transactions) expect(mempool.has(tx.txid)).toBe(true);

    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [confirmed] = await world.service().followConfirmations();
    expect(confirmed?.state).toBe('confirmed');

    // 50 DOGE, fee 5: 45 DOGE / 3,200 = 0.0140625 each, read back from the chain.
    const audit = await auditChain(world.rpc, SETTLEMENT_CHAIN);
    const paid = new Map<string, bigint>();
    for (const tx of settlement.transactions) {
      for (const output of audit.transactions.get(tx.txid)?.outputs ?? []) {
        if (output.address !== undefined) paid.set(output.address, (paid.get(output.address) ?? 0n) + output.value);
      }
    }
    const share = doge(45) / BigInt(CREATORS);
    expect(creators.filter((creator) => paid.get(creator.payoutAddress) !== share)).toEqual([]);
    const holdings = await world.holdings();
    expect(holdings.unbalanced).toEqual([]);
    expect(holdings.chainUnspent).toBe(holdings.ledgerHeld);
  });
});

import type { ChainProfile } from '../../../src/chain/profiles';
import { PLATFORM_FEES_ACCOUNT } from '../../../src/money/ledger';
import { flattr } from '../../../src/services/clicks/clicks';
import { accountBalance } from '../../../src/services/ledger/balances';
import { auditChain, spentValueOf } from '../../support/chain-audit';
import { doge } from '../../support/money';
import { describeEachNode, missingAtPeer, type NodeKind } from '../../support/regtest';
import { MIN_CONFIRMATIONS, useSettlementWorld } from '../../support/settlement-world';

const PERIOD = '2026-08';
const IN_AUGUST = (day: number) => new Date(Date.UTC(2026, 7, day, 12));
/**
 * Issue 13's reference month in small: a wallet of many small outputs and a platform fee that needs
 * more of them than one standard transaction can spend. The standard size is cut to 2,000 bytes
 * (12 or 13 inputs a transaction) so that 45 deposits show what 100,000 do at 100,000 bytes; the
 * fee is 50% (SERVICE_FEE_BPS=5000) so that the fee, not the payouts, needs the many inputs.
 */
const MAX_BYTES = 2_000;
const FEE_BPS = 5_000;
const DEPOSITS = 45;
/**
 * One deposit. On dogecoind v1.14.1 every output below 1 DOGE costs extra fee at peers (its fixed
 * soft-dust threshold), so there each deposit is 10 DOGE: every payout (50), fee output (20 and
 * more) and change (about 10) of the month stays above 1 DOGE.
 */
const UNIT: Record<NodeKind, bigint> = { bcoin: doge(1), dogecoind: doge(10) };

describeEachNode('a platform fee that needs more small inputs than one transaction holds', (kind) => {
  const world = useSettlementWorld(kind);
  const unit = UNIT[kind];
  const budget = 40n * unit;
  const fee = (budget * BigInt(FEE_BPS)) / 10_000n;
  const service = () => {
    const chain: ChainProfile = { ...world.chain, maxStandardTxBytes: MAX_BYTES };
    return world.service({ chain, settings: { serviceFeeBps: FEE_BPS, minConfirmations: MIN_CONFIRMATIONS, unclaimedMonths: 6, feeAddress: world.feeAddress } });
  };

  it('pays the whole fee over several transactions, one fee output each, and the ledger books exactly that', async () => {
    const donor = await world.donor(budget);
    // One transaction of many outputs: the wallet then holds DEPOSITS small outputs of `unit`.
    await world.faucet.pay(Array.from({ length: DEPOSITS }, () => ({ address: donor.address, amount: unit })));
    await world.mineAndScan(MIN_CONFIRMATIONS);
    for (let i = 0; i < 4; i++) await flattr(donor.id, await world.thing(await world.creator()), IN_AUGUST(i + 1));

    const settlement = await service().execute(PERIOD);
    expect(settlement.state).toBe('broadcast');
    const { build } = await service().plan(PERIOD);
    if (build === null) throw new Error('the stored plan has no transactions');
    // 20 units of fee from inputs of 1 unit cannot fit one 2,000-byte transaction: it is spread.
    expect(build.feePayment).toMatchObject({ requested: fee, paid: fee - build.networkFee, carried: 0n, status: 'paid-in-full' });
    expect(build.feePayment?.outputs).toBeGreaterThanOrEqual(2);
    const feeOutputs = build.transactions.map((tx) => tx.outputs.filter((output) => output.address === world.feeAddress).length);
    expect(feeOutputs.every((count) => count <= 1)).toBe(true);
    expect(settlement.summary).toMatchObject({ feePaymentPaid: fee - build.networkFee, feePaymentCarried: 0n, serviceFee: fee });
    for (const tx of settlement.transactions) expect(tx.worstCaseBytes).toBeLessThan(MAX_BYTES);
    const mempool = new Set(await world.rpc.getRawMempool());
    for (const tx of settlement.transactions) expect(mempool.has(tx.txid)).toBe(true);
    if (kind === 'dogecoind') expect(await missingAtPeer(world.node, settlement.transactions.map((tx) => tx.txid))).toEqual([]);

    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [confirmed] = await service().followConfirmations();
    expect(confirmed?.state).toBe('confirmed');

    // The chain itself: the fee address got the fee less the network fee (inputs minus outputs).
    const audit = await auditChain(world.rpc, world.chain);
    let received = 0n;
    let networkFee = 0n;
    for (const { txid } of settlement.transactions) {
      const outputs = audit.transactions.get(txid)?.outputs ?? [];
      received += outputs.filter((output) => output.address === world.feeAddress).reduce((sum, output) => sum + output.value, 0n);
      networkFee += spentValueOf(audit, txid) - outputs.reduce((sum, output) => sum + output.value, 0n);
    }
    expect(networkFee).toBe(build.networkFee);
    expect(received).toBe(fee - networkFee);
    // The payout journals took exactly that out of platform:fees: nothing is left, nothing owed.
    expect(await accountBalance(PLATFORM_FEES_ACCOUNT)).toBe(0n);
    const holdings = await world.holdings();
    expect(holdings.unbalanced).toEqual([]);
    expect(holdings.chainUnspent).toBe(holdings.ledgerHeld);
    expect(holdings.ledgerHeld).toBe(holdings.owedTotal);
  });
});

import fc from 'fast-check';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { buildSettlementTransactions, type BuildResult, type SpendableOutput } from '../../../src/chain/tx/tx-builder';
import { chainProfile } from '../../../src/chain/profiles';
import { isKibbleError } from '../../../src/errors';
import { planSettlement, type PlanInput, type SettlementPlan } from '../../../src/money/settlement-plan';
import { settlementProblems } from '../../../src/services/settlement/invariants';

const chain = chainProfile('dogecoin');
const deriver = new AddressDeriver(chain, createSigner(chain, { mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about' }).accountXpub());
const ADDRESSES = Array.from({ length: 12 }, (_, i) => deriver.changeAddress(1000 + i));
const WALLET = Array.from({ length: 4 }, (_, i) => deriver.depositAddress(i));
const COIN = 100_000_000n;
const HOLDINGS = { custodyHeld: 0n, walletUnspent: 0n, uncreditedDeposits: 0n };

/** A random month and a wallet whose outputs cover it (plus room for fees). */
const monthArbitrary = fc
  .record({
    creators: fc.array(fc.record({ address: fc.option(fc.constantFrom(...ADDRESSES), { nil: null }), owed: fc.bigInt({ min: 0n, max: 5n * COIN }) }), { minLength: 1, maxLength: 8 }),
    donors: fc.array(
      fc.record({ budget: fc.bigInt({ min: 0n, max: 50n * COIN }), balance: fc.bigInt({ min: -COIN, max: 80n * COIN }), clicks: fc.array(fc.nat(), { maxLength: 12 }) }),
      { minLength: 1, maxLength: 10 },
    ),
    feeBps: fc.integer({ min: 0, max: 10_000 }),
    platformFeeBefore: fc.bigInt({ min: 0n, max: 3n * COIN }),
    withFeeAddress: fc.boolean(),
    utxoCount: fc.integer({ min: 1, max: 30 }),
  })
  .map((m): { input: PlanInput; utxos: SpendableOutput[] } => {
    const creators = m.creators.map((c, i) => ({ id: `c${i}`, payoutAddress: c.address, owedBefore: c.owed }));
    const donors = m.donors.map((d, i) => ({ id: `d${i}`, monthlyBudget: d.budget, balance: d.balance, clickCreators: d.clicks.map((k) => `c${k % creators.length}`) }));
    const needed = donors.reduce((sum, d) => sum + (d.balance > 0n ? d.balance : 0n), 0n) + creators.reduce((sum, c) => sum + c.owedBefore, 0n) + m.platformFeeBefore + 10n * COIN;
    const each = needed / BigInt(m.utxoCount) + 1n;
    const utxos = Array.from({ length: m.utxoCount }, (_, i) => ({ txid: (i + 1).toString(16).padStart(64, '0'), vout: 0, amount: each, address: WALLET[i % WALLET.length] as string, keyPath: { change: 0 as const, index: i % WALLET.length } }));
    const input: PlanInput = { period: '2026-10', serviceFeeBps: m.feeBps, dustThreshold: chain.dustThreshold, platformFeeBefore: m.platformFeeBefore, feeAddress: m.withFeeAddress ? (ADDRESSES[11] as string) : null, donors, creators, expiring: [] };
    return { input, utxos };
  });

function settle(input: PlanInput, utxos: SpendableOutput[]): { plan: SettlementPlan; build: BuildResult } {
  const plan = planSettlement(input);
  const build = buildSettlementTransactions({
    chain,
    payments: plan.payments,
    ...(plan.feePayment === null ? {} : { feePayingPayment: plan.feePayment }),
    utxos,
    changeSlot: (i) => ({ address: deriver.changeAddress(i), keyPath: { change: 1, index: i } }),
  });
  return { plan, build };
}

describe('a planned and built month passes every check before signing', () => {
  it('holds the invariants, the size limit, the dust rule and the fee policy over thousands of random months', () => {
    fc.assert(
      fc.property(monthArbitrary, ({ input, utxos }) => {
        const { plan, build } = settle(input, utxos);
        expect(settlementProblems(plan, build, chain, HOLDINGS)).toEqual([]);
        // the same input always gives the same plan and transactions
        expect(settle(input, utxos)).toEqual({ plan, build });
      }),
      { numRuns: 2_000 },
    );
  });

  it('names what is wrong when a transaction or the holdings do not add up', () => {
    const { input, utxos } = fc.sample(monthArbitrary.filter(({ input: i }) => planSettlement(i).payments.length > 0), { numRuns: 1, seed: 7 })[0] as { input: PlanInput; utxos: SpendableOutput[] };
    const { plan, build } = settle(input, utxos);
    const tx = build.transactions[0];
    if (tx === undefined) throw new Error('expected a transaction');
    const firstPayment = tx.outputs.findIndex((output) => output.change === undefined);
    const tampered: BuildResult = {
      ...build,
      transactions: [{ ...tx, fee: tx.fee - 1n, outputs: tx.outputs.map((output, i) => (i === firstPayment ? { ...output, amount: output.amount + 1n } : output)) }, ...build.transactions.slice(1)],
    };
    const problems = settlementProblems(plan, tampered, chain, { custodyHeld: 5n, walletUnspent: 7n, uncreditedDeposits: 1n });
    expect(problems.join('\n')).toMatch(/invariant 2 \(chain matches ledger\)/);
    expect(problems.join('\n')).toMatch(/below the fee policy/);
    expect(problems.join('\n')).toMatch(/its payments add up to/);
  });

  it('checks a fee payment spread over several transactions as one sum, and never above the platform\'s balance', () => {
    // 1,000 DOGE of platform balance from 1,500 utxos of 1 DOGE: too many inputs for one transaction.
    const input: PlanInput = { period: '2026-10', serviceFeeBps: 1000, dustThreshold: chain.dustThreshold, platformFeeBefore: 1_000n * COIN, feeAddress: ADDRESSES[11] as string, donors: [], creators: [], expiring: [] };
    const ones = Array.from({ length: 1_500 }, (_, i) => ({ txid: (i + 1).toString(16).padStart(64, '0'), vout: 0, amount: COIN, address: WALLET[i % 4] as string, keyPath: { change: 0 as const, index: i % 4 } }));
    const { plan, build } = settle(input, ones);
    expect(build.feePayment).toMatchObject({ status: 'paid-in-full', outputs: 2 });
    expect(settlementProblems(plan, build, chain, HOLDINGS)).toEqual([]);
    // One koinu moved from the network fee to the first fee output: the sum no longer matches.
    const [first, ...rest] = build.transactions;
    if (first === undefined) throw new Error('expected a transaction');
    const richer = { ...first, fee: first.fee - 1n, outputs: first.outputs.map((output) => (output.change === undefined ? { ...output, amount: output.amount + 1n } : output)) };
    const problems = settlementProblems(plan, { ...build, transactions: [richer, ...rest] }, chain, HOLDINGS).join('\n');
    expect(problems).toMatch(/the fee outputs add up to/);
    // A build claiming more than the balance is refused even when its outputs agree with it.
    const greedy = settlementProblems({ ...plan, feePayment: { ...(plan.feePayment as NonNullable<SettlementPlan['feePayment']>), amount: build.feePaymentPaid } }, build, chain, HOLDINGS).join('\n');
    expect(greedy).toMatch(/add up to more than the platform's balance/);
  });

  it('refuses to build when the wallet cannot cover the month', () => {
    const input: PlanInput = { period: '2026-10', serviceFeeBps: 1000, dustThreshold: chain.dustThreshold, platformFeeBefore: 0n, feeAddress: null, donors: [{ id: 'd', monthlyBudget: 10n * COIN, balance: 10n * COIN, clickCreators: ['c'] }], creators: [{ id: 'c', payoutAddress: ADDRESSES[0] as string, owedBefore: 0n }], expiring: [] };
    const tooLittle = [{ txid: '1'.padStart(64, '0'), vout: 0, amount: COIN, address: WALLET[0] as string, keyPath: { change: 0 as const, index: 0 } }];
    let code: string | undefined;
    try {
      settle(input, tooLittle);
    } catch (error) {
      if (isKibbleError(error)) code = error.code;
    }
    expect(code).toBe('insufficient-funds');
  });
});

import fc from 'fast-check';
import type { UnsignedTransaction } from '../../../src/chain/tx/tx-builder';
import { COIN } from '../../../src/money/amount';
import { DEFAULT_SIGNING_LIMITS } from '../../../src/signer/policy';
import { settlementPsbt } from '../../../src/signer/psbt';
import { checkAndSign } from '../../../src/signer/psbt-signer';
import { signSettlementTransaction } from '../../../src/signer/tx-signer';
import { kibbleErrorFrom } from '../../support/errors';
import { foreignAddress, month, wallet } from './signer-fixture';

// For any month the builder makes, the policy accepts its PSBTs and signs the in-process signer's
// bytes; moving any koinu between a payout and the change is refused.

const w = wallet();
const FRESH = { signedForPeriod: undefined, signedToday: 0n, signedThisMonth: 0n };

const monthArb = fc.record({
  payments: fc.array(fc.record({ to: fc.integer({ min: 0, max: 5 }), p2sh: fc.boolean(), amount: fc.bigInt({ min: COIN / 100n, max: 20n * COIN }) }), { minLength: 1, maxLength: 6 }),
  deposits: fc.array(fc.bigInt({ min: COIN, max: 60n * COIN }), { minLength: 3, maxLength: 8 }),
  nudge: fc.bigInt({ min: 1n, max: COIN / 1000n }),
}).filter(({ payments, deposits }) => deposits.reduce((a, b) => a + b, 0n) > payments.reduce((a, p) => a + p.amount, 0n) + 5n * COIN);

describe('the signer policy over generated months', () => {
  test('accepts every built month with the in-process bytes, refuses any koinu moved to a payout', () => {
    fc.assert(
      fc.property(monthArb, ({ payments, deposits, nudge }) => {
        const m = month(w, {
          deposits,
          payments: payments.map((p, i) => ({ id: `p${i}`, address: foreignAddress(w.chain, p.to + 10, p.p2sh), amount: p.amount })),
        });
        const psbts = m.build.transactions.map((tx) => settlementPsbt(w.chain, tx, m.previous, w.account));
        const { signed } = checkAndSign(w.chain, w.signer, m.summary, psbts, DEFAULT_SIGNING_LIMITS, FRESH);
        expect(signed.map((s) => s.raw)).toEqual(m.build.transactions.map((tx) => signSettlementTransaction(w.chain, tx, w.signer).raw));

        const victim = m.build.transactions.findIndex((tx) => tx.outputs.some((o) => o.change !== undefined && o.amount - nudge >= w.chain.dustThreshold));
        if (victim < 0) return;
        const copy = structuredClone(m.build.transactions);
        const tx = copy[victim] as UnsignedTransaction;
        const payout = tx.outputs.find((o) => o.change === undefined);
        const change = tx.outputs.find((o) => o.change !== undefined);
        if (payout === undefined || change === undefined) return;
        payout.amount += nudge;
        change.amount -= nudge;
        const tampered = copy.map((t) => settlementPsbt(w.chain, t, m.previous, w.account));
        const error = kibbleErrorFrom(() => checkAndSign(w.chain, w.signer, m.summary, tampered, DEFAULT_SIGNING_LIMITS, FRESH));
        expect([error.code, error.details?.reason]).toEqual(['signing-refused', 'outputs-differ-from-plan']);
      }),
      { numRuns: 25 },
    );
  });
});

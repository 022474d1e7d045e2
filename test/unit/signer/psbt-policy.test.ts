import { Transaction, type Psbt } from 'bitcoinjs-lib';
import type { UnsignedTransaction } from '../../../src/chain/tx/tx-builder';
import { COIN } from '../../../src/money/amount';
import { signSettlementTransaction } from '../../../src/signer/tx-signer';
import { checkAndSign } from '../../../src/signer/psbt-signer';
import { DEFAULT_SIGNING_LIMITS, type SigningHistory, type SigningLimits } from '../../../src/signer/policy';
import { readPsbt, settlementPsbt, unsignedTxidOf } from '../../../src/signer/psbt';
import { parsePlanSummary, planSummaryText, planSummaryToJson, type PlanSummary } from '../../../src/signer/plan-summary';
import { kibbleErrorFrom } from '../../support/errors';
import { foreignAddress, month, previousTransaction, wallet, type Month } from './signer-fixture';

const w = wallet();
const FRESH: SigningHistory = { signedForPeriod: undefined, signedToday: 0n, signedThisMonth: 0n };

function psbtsOf(m: Month, transactions: UnsignedTransaction[] = m.build.transactions): Psbt[] {
  return transactions.map((tx) => settlementPsbt(w.chain, tx, m.previous, w.account));
}

/** A copy of the month's first transaction with `edit` applied (a service that tampers). */
function tampered(m: Month, edit: (tx: UnsignedTransaction) => void): UnsignedTransaction[] {
  const copy = structuredClone(m.build.transactions);
  edit(copy[0] as UnsignedTransaction);
  return copy;
}

function refusal(m: Month, psbts: Psbt[], options: { summary?: PlanSummary; limits?: Partial<SigningLimits>; history?: Partial<SigningHistory> } = {}): string {
  const error = kibbleErrorFrom(() =>
    checkAndSign(w.chain, w.signer, options.summary ?? m.summary, psbts, { ...DEFAULT_SIGNING_LIMITS, ...options.limits }, { ...FRESH, ...options.history }),
  );
  expect(error.code).toBe('signing-refused');
  return String(error.details?.reason);
}

function paymentOutput(tx: UnsignedTransaction) {
  const output = tx.outputs.find((o) => o.change === undefined);
  if (output === undefined) throw new Error('no payment output');
  return output;
}

function changeOutput(tx: UnsignedTransaction) {
  const output = tx.outputs.find((o) => o.change !== undefined);
  if (output === undefined) throw new Error('no change output');
  return output;
}

describe('PSBT signing with the signer policy', () => {
  const m = month(w);

  test('a planned month signs to exactly the bytes of the in-process signer', () => {
    const { checked, signed } = checkAndSign(w.chain, w.signer, m.summary, psbtsOf(m), DEFAULT_SIGNING_LIMITS, FRESH);
    expect(checked.repeat).toBe(false);
    expect(signed.map((s) => s.raw)).toEqual(m.build.transactions.map((tx) => signSettlementTransaction(w.chain, tx, w.signer).raw));
    const inputs = m.build.transactions.flatMap((tx) => tx.inputs).reduce((sum, input) => sum + input.amount, 0n);
    const change = m.build.transactions.flatMap((tx) => tx.outputs).filter((o) => o.change).reduce((sum, o) => sum + o.amount, 0n);
    expect(checked.outgoing).toBe(inputs - change);
    // The unsigned txid survives signing, so the signed log and the import can compare by it.
    expect(signed.map((s) => s.unsignedTxid)).toEqual(checked.transactions.map((tx) => tx.unsignedTxid));
    expect(signed[0]?.unsignedTxid).not.toBe(signed[0]?.txid);
  });

  test('PSBTs survive base64, and carry the previous transactions and derivations', () => {
    const psbt = readPsbt(w.chain, psbtsOf(m)[0]?.toBase64() ?? '', 'psbt 0');
    const input = psbt.data.inputs[0];
    expect(input?.nonWitnessUtxo).toBeDefined();
    expect(input?.bip32Derivation?.[0]?.path).toMatch(/^m\/[01]\/[0-9]+$/);
    expect(psbt.data.outputs.filter((o) => o.bip32Derivation !== undefined)).toHaveLength(1);
    expect(unsignedTxidOf(psbt)).toBe(unsignedTxidOf(psbtsOf(m)[0] as Psbt));
  });

  test('an output to a foreign address is refused', () => {
    const txs = tampered(m, (tx) => (paymentOutput(tx).address = foreignAddress(w.chain, 33)));
    expect(refusal(m, psbtsOf(m, txs))).toBe('output-not-in-plan');
  });

  test('an amount changed by 1 koinu is refused', () => {
    const txs = tampered(m, (tx) => {
      paymentOutput(tx).amount += 1n;
      changeOutput(tx).amount -= 1n;
    });
    expect(refusal(m, psbtsOf(m, txs))).toBe('outputs-differ-from-plan');
  });

  test('change to an address not derived at its path is refused, and so is change on the receive chain', () => {
    const foreign = tampered(m, (tx) => (changeOutput(tx).address = foreignAddress(w.chain, 34)));
    expect(refusal(m, psbtsOf(m, foreign))).toBe('change-not-derived');
    const receive = tampered(m, (tx) => {
      const change = changeOutput(tx);
      change.address = w.deriver.depositAddress(5);
      change.change = { address: change.address, keyPath: { change: 0, index: 5 } };
    });
    expect(refusal(m, psbtsOf(m, receive))).toBe('change-not-derived');
  });

  test('a fee above the ceiling is refused: 2 coins taken from the change', () => {
    const txs = tampered(m, (tx) => (changeOutput(tx).amount -= 2n * COIN));
    expect(refusal(m, psbtsOf(m, txs))).toBe('fee-too-high');
    // The ceiling is configurable: the month's own fee is refused under a ceiling below it.
    expect(refusal(m, psbtsOf(m), { limits: { maxFeePerTransaction: 1000n } })).toBe('fee-too-high');
  });

  test('a period signed before: the same transactions are a repeat, different ones are refused', () => {
    const psbts = psbtsOf(m);
    const txids = psbts.map(unsignedTxidOf);
    const again = checkAndSign(w.chain, w.signer, m.summary, psbts, DEFAULT_SIGNING_LIMITS, { ...FRESH, signedForPeriod: txids });
    expect(again.checked.repeat).toBe(true);
    const other = tampered(m, (tx) => {
      const change = changeOutput(tx);
      change.address = w.deriver.changeAddress(7);
      change.change = { address: change.address, keyPath: { change: 1, index: 7 } };
    });
    expect(refusal(m, psbtsOf(m, other), { history: { signedForPeriod: txids } })).toBe('period-already-signed');
  });

  test('the daily and monthly ceilings are refused, a repeat is not counted again', () => {
    const { checked } = checkAndSign(w.chain, w.signer, m.summary, psbtsOf(m), DEFAULT_SIGNING_LIMITS, FRESH);
    const limits = { dailyCeiling: checked.outgoing + 10n, monthlyCeiling: checked.outgoing + 20n };
    expect(refusal(m, psbtsOf(m), { limits, history: { signedToday: 11n, signedThisMonth: 11n } })).toBe('daily-ceiling-exceeded');
    expect(refusal(m, psbtsOf(m), { limits, history: { signedToday: 0n, signedThisMonth: 21n } })).toBe('monthly-ceiling-exceeded');
    const txids = psbtsOf(m).map(unsignedTxidOf);
    expect(checkAndSign(w.chain, w.signer, m.summary, psbtsOf(m), { ...DEFAULT_SIGNING_LIMITS, ...limits }, { signedForPeriod: txids, signedToday: checked.outgoing, signedThisMonth: checked.outgoing }).checked.repeat).toBe(true);
  });

  test('a previous transaction that does not match its outpoint is refused', () => {
    const psbt = psbtsOf(m)[0] as Psbt;
    const input = psbt.data.inputs[0];
    if (input === undefined) throw new Error('no input');
    const other = previousTransaction(w.chain, 999, w.deriver.depositAddress(0), 1000n * COIN);
    input.nonWitnessUtxo = other.toBuffer();
    const read = readPsbt(w.chain, psbt.toBase64(), 'psbt 0');
    expect(refusal(m, [read, ...psbtsOf(m).slice(1)])).toBe('previous-transaction-mismatch');
  });

  test('an input whose derivation is not the signer\'s key is refused', () => {
    const psbt = psbtsOf(m)[0] as Psbt;
    const derivation = psbt.data.inputs[0]?.bip32Derivation?.[0];
    if (derivation === undefined) throw new Error('no derivation');
    derivation.path = 'm/0/77';
    expect(refusal(m, [readPsbt(w.chain, psbt.toBase64(), 'p'), ...psbtsOf(m).slice(1)])).toBe('input-not-derived');
    derivation.path = 'm/0/0';
    derivation.masterFingerprint = new Uint8Array([1, 2, 3, 4]);
    expect(refusal(m, [readPsbt(w.chain, psbt.toBase64(), 'p'), ...psbtsOf(m).slice(1)])).toBe('input-not-derived');
  });

  test('a dust output is refused', () => {
    const txs = tampered(m, (tx) => {
      const output = paymentOutput(tx);
      changeOutput(tx).amount += output.amount - 1000n;
      output.amount = 1000n;
    });
    expect(refusal(m, psbtsOf(m, txs))).toBe('dust-output');
  });

  describe('zero-value OP_RETURN outputs', () => {
    const script = Buffer.concat([Buffer.from([0x6a, 0x24]), Buffer.from('kbl1'), Buffer.alloc(32, 5)]);
    const withData = (value = 0n): Psbt[] => {
      const psbts = psbtsOf(m);
      psbts[0]?.addOutput({ script, value });
      return psbts;
    };

    test('allowed when the summary lists exactly that script', () => {
      const summary = { ...m.summary, dataOutputs: [script.toString('hex')] };
      const { signed } = checkAndSign(w.chain, w.signer, summary, withData(), DEFAULT_SIGNING_LIMITS, FRESH);
      expect(Transaction.fromHex(signed[0]?.raw ?? '').outs.at(-1)?.value).toBe(0n);
    });

    test('refused when not listed, when it carries coins, or when a listed one is missing', () => {
      expect(refusal(m, withData())).toBe('data-output-not-in-plan');
      const summary = { ...m.summary, dataOutputs: [script.toString('hex')] };
      expect(refusal(m, withData(1n), { summary })).toBe('data-output-not-in-plan');
      expect(refusal(m, psbtsOf(m), { summary })).toBe('outputs-differ-from-plan');
    });
  });

  test('a transaction count other than the plan\'s is refused', () => {
    expect(refusal(m, psbtsOf(m).slice(0, -1).concat(psbtsOf(m).slice(0, -1)))).toMatch(/request-invalid|outputs-differ-from-plan/);
    expect(refusal(m, [...psbtsOf(m), ...psbtsOf(m)])).toBe('request-invalid');
  });
});

describe('the plan summary', () => {
  const m = month(w);

  test('JSON round trip, amounts as strings, per address', () => {
    const json = planSummaryToJson(m.summary);
    expect(JSON.parse(json).payments[0].amount).toMatch(/^[0-9]+$/);
    expect(parsePlanSummary(w.chain, json)).toEqual(m.summary);
    // Two payments to one address are one row.
    expect(m.summary.payments.find((row) => row.address === foreignAddress(w.chain, 1))?.amount).toBe(35n * COIN);
  });

  test('a summary for another chain, another version or with a bad address is refused', () => {
    const json = JSON.parse(planSummaryToJson(m.summary));
    expect(kibbleErrorFrom(() => parsePlanSummary(w.chain, { ...json, chain: 'dogecoin' })).code).toBe('psbt-invalid');
    expect(kibbleErrorFrom(() => parsePlanSummary(w.chain, { ...json, version: 2 })).code).toBe('psbt-invalid');
    expect(kibbleErrorFrom(() => parsePlanSummary(w.chain, { ...json, feePayment: { address: 'nope', amount: '1' } })).code).toBe('psbt-invalid');
    expect(kibbleErrorFrom(() => parsePlanSummary(w.chain, '{')).code).toBe('psbt-invalid');
  });

  test('the text names the period, every address and amount', () => {
    const text = planSummaryText(w.chain, m.summary);
    expect(text).toContain('2026-11');
    for (const row of m.summary.payments) expect(text).toContain(row.address);
    expect(text).toContain('35 DOGE');
  });
});

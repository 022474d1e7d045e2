import assert from 'node:assert/strict';
import fc from 'fast-check';
import { outputScriptFor, p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import {
  buildSettlementTransactions,
  type BuildRequest,
  type BuildResult,
  type PaymentRequest,
  type SpendableOutput,
} from '../../../src/chain/tx/tx-builder';
import { P2PKH_INPUT_WORST_BYTES, feeFor, outputBytes, worstCaseTxBytes } from '../../../src/chain/tx/tx-size';
import { chainProfile, type ChainProfile } from '../../../src/chain/profiles';
import { isKibbleError } from '../../../src/errors';
import { COIN } from '../../../src/money/amount';

const BASES = [chainProfile('dogecoin'), chainProfile('bcoin-regtest'), chainProfile('litecoin')];

function hash(tag: number, i: number): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes[0] = tag;
  new DataView(bytes.buffer).setUint16(1, i);
  return bytes;
}

/** Few enough payees that merging happens often; a quarter of them P2SH. */
const PAYEES = new Map(BASES.map((base) => [base.name, Array.from({ length: 100 }, (_, i) => (i % 4 === 3 ? p2shAddress : p2pkhAddress)(base, hash(1, i)))]));
const WALLET = new Map(BASES.map((base) => [base.name, Array.from({ length: 8 }, (_, i) => p2pkhAddress(base, hash(2, i)))]));
const CHANGE = new Map(BASES.map((base) => [base.name, Array.from({ length: 200 }, (_, i) => p2pkhAddress(base, hash(3, i)))]));

/** A real chain's policy with a small size limit, so that many transactions are needed. */
const chainArb = fc.record({
  base: fc.constantFrom(...BASES),
  maxStandardTxBytes: fc.integer({ min: 400, max: 3000 }),
  perByte: fc.constantFrom(1n, 10n, 100n, 1000n),
}).map(({ base, maxStandardTxBytes, perByte }): ChainProfile => ({ ...base, maxStandardTxBytes, fee: { ...base.fee, perByte } }));

function amountArb(chain: ChainProfile, max: bigint): fc.Arbitrary<bigint> {
  const dust = chain.dustThreshold;
  return fc.oneof(fc.constant(dust), fc.bigInt({ min: dust, max: dust * 20n }), fc.bigInt({ min: dust, max }));
}

function paymentsArb(chain: ChainProfile): fc.Arbitrary<PaymentRequest[]> {
  const payees = PAYEES.get(chain.name) as string[];
  return fc.array(fc.record({ payee: fc.integer({ min: 0, max: payees.length - 1 }), amount: amountArb(chain, 50n * COIN) }), { maxLength: 80, size: 'max' })
    .map((list) => list.map(({ payee, amount }, i) => ({ id: `p${i}`, address: payees[payee] as string, amount })));
}

function utxosFrom(chain: ChainProfile, amounts: readonly bigint[]): SpendableOutput[] {
  const wallet = WALLET.get(chain.name) as string[];
  return amounts.map((amount, i) => ({
    txid: (i % 40).toString(16).padStart(64, 'a'), vout: Math.floor(i / 40), amount,
    address: wallet[i % wallet.length] as string, keyPath: { change: 0, index: i % wallet.length },
  }));
}

function requestFor(chain: ChainProfile, payments: PaymentRequest[], utxos: SpendableOutput[], feePayment: bigint | null): BuildRequest {
  const change = CHANGE.get(chain.name) as string[];
  return {
    chain, payments, utxos,
    ...(feePayment === null ? {} : { feePayingPayment: { id: 'fee', address: (PAYEES.get(chain.name) as string[])[0] as string, amount: feePayment } }),
    changeSlot: (txIndex) => ({ address: change[txIndex] as string, keyPath: { change: 1, index: txIndex } }),
  };
}

/** Any request: either a valid build or insufficient-funds, never anything else. */
const anyRequestArb = chainArb.chain((chain) =>
  fc.record({
    payments: paymentsArb(chain),
    utxos: fc.array(fc.oneof(fc.bigInt({ min: 1n, max: chain.dustThreshold * 3n }), fc.bigInt({ min: 1n, max: 200n * COIN })), { maxLength: 120, size: 'max' }),
    feePayment: fc.option(fc.bigInt({ min: 0n, max: 20n * COIN })),
  }).map(({ payments, utxos, feePayment }) => requestFor(chain, payments, utxosFrom(chain, utxos), feePayment)));

/** Every utxo covers the whole month on its own, so building must succeed. */
const ampleRequestArb = chainArb.chain((chain) =>
  fc.record({
    payments: paymentsArb(chain),
    extras: fc.array(fc.bigInt({ min: 0n, max: 1000n * COIN }), { minLength: 1, maxLength: 130 }),
    feePayment: fc.option(fc.bigInt({ min: 0n, max: 20n * COIN })),
  }).map(({ payments, extras, feePayment }) => {
    const total = payments.reduce((sum, p) => sum + p.amount, 0n) + (feePayment ?? 0n) + COIN;
    const count = Math.max(extras.length, 2 * payments.length + 4);
    const amounts = Array.from({ length: count }, (_, i) => total + (extras[i % extras.length] as bigint));
    return requestFor(chain, payments, utxosFrom(chain, amounts), feePayment);
  }));

/**
 * A few large utxos and many small ones, with a fee-paying payment that the small ones cannot fund
 * within one transaction: the payouts must not use up the large ones first.
 */
const bimodalRequestArb = chainArb.chain((chain) =>
  fc.record({
    payments: paymentsArb(chain),
    large: fc.array(fc.bigInt({ min: 10n * COIN, max: 200n * COIN }), { minLength: 1, maxLength: 5 }),
    small: fc.array(fc.bigInt({ min: chain.dustThreshold, max: COIN }), { maxLength: 150, size: 'max' }),
    feePayment: fc.bigInt({ min: 0n, max: 300n * COIN }),
  }).map(({ payments, large, small, feePayment }) => {
    // Payouts below 1 coin, so the small utxos can fund them.
    const capped = payments.map((p) => ({ ...p, amount: p.amount % COIN < chain.dustThreshold ? chain.dustThreshold : p.amount % COIN }));
    return requestFor(chain, capped, utxosFrom(chain, [...large, ...small]), feePayment);
  }));

/**
 * The issue-13 month in small: a wallet of many small utxos (each worth far more than spending it
 * costs) that holds the payouts and the whole platform fee with room to spare, and a platform fee
 * too large for the inputs one transaction can hold.
 */
const smallInputsRequestArb = chainArb.filter((chain) => chain.maxStandardTxBytes >= 1000).chain((chain) =>
  fc.record({
    payments: paymentsArb(chain),
    small: fc.array(fc.bigInt({ min: COIN / 5n, max: COIN }), { minLength: 1, maxLength: 60 }),
    feePayment: fc.bigInt({ min: 5n * COIN, max: 150n * COIN }),
  }).map(({ payments, small, feePayment }) => {
    // Payouts up to half a coin: a few small utxos fund each one within the size limit.
    const scaled = payments.map((p) => ({ ...p, amount: p.amount % (COIN / 2n) < chain.dustThreshold ? chain.dustThreshold : p.amount % (COIN / 2n) }));
    const needed = scaled.reduce((total, p) => total + p.amount, 0n) + feePayment;
    // Repeat the small amounts until the wallet holds what is needed, twice over.
    const amounts: bigint[] = [];
    for (let held = 0n, i = 0; held < 2n * needed + 2n * COIN; i++) {
      const amount = small[i % small.length] as bigint;
      amounts.push(amount);
      held += amount;
    }
    return requestFor(chain, scaled, utxosFrom(chain, amounts), feePayment);
  }));

const scriptLengths = new Map<string, number>();
function scriptLength(chain: ChainProfile, address: string): number {
  const key = `${chain.name} ${address}`;
  let length = scriptLengths.get(key);
  if (length === undefined) scriptLengths.set(key, (length = outputScriptFor(chain, address).length));
  return length;
}
const sum = (amounts: readonly bigint[]): bigint => amounts.reduce((a, b) => a + b, 0n);

function checkTransactions(request: BuildRequest, result: BuildResult): void {
  const { chain } = request;
  const known = new Map(request.utxos.map((u) => [`${u.txid}:${u.vout}`, u]));
  const spent = new Set<string>();
  let previousAmount: bigint | undefined;
  let previousPayee = '';
  for (const tx of result.transactions) {
    for (const input of tx.inputs) {
      // Largest first across the whole build, the fee payment's inputs included.
      if (previousAmount !== undefined) assert.ok(input.amount <= previousAmount, `input ${input.amount} after ${previousAmount}: not largest first`);
      previousAmount = input.amount;
    }
  }
  result.transactions.forEach((tx) => {
    const bytes = worstCaseTxBytes(tx.inputs.length, tx.outputs.map((o) => scriptLength(chain, o.address)));
    assert.equal(tx.worstCaseBytes, bytes);
    assert.ok(bytes < chain.maxStandardTxBytes, `${bytes} bytes, not below ${chain.maxStandardTxBytes}`);
    assert.equal(tx.fee, sum(tx.inputs.map((i) => i.amount)) - sum(tx.outputs.map((o) => o.amount)));
    assert.ok(tx.fee >= feeFor(bytes, chain.fee.perByte), `fee ${tx.fee} below the relay fee for ${bytes} bytes`);
    for (const output of tx.outputs) assert.ok(output.amount >= chain.dustThreshold, `output ${output.amount} below dust`);
    for (const input of tx.inputs) {
      const outpoint = `${input.txid}:${input.vout}`;
      assert.deepEqual(known.get(outpoint), input);
      assert.ok(!spent.has(outpoint), `${outpoint} spent twice`);
      spent.add(outpoint);
    }
    const changes = tx.outputs.filter((o) => o.change !== undefined);
    assert.ok(changes.length <= 1, `${changes.length} change outputs`);
    if (changes.length === 1) assert.equal(tx.outputs[tx.outputs.length - 1], changes[0], 'the change is not the last output');
    const payouts = tx.outputs.filter((o) => o.change === undefined && !o.paymentIds.includes('fee'));
    for (const payout of payouts) {
      assert.ok(payout.address > previousPayee, `payee ${payout.address} after ${previousPayee}: not in order`);
      previousPayee = payout.address;
    }
    if (!tx.outputs.some((o) => o.paymentIds.includes('fee'))) checkFewestInputs(chain, tx.inputs, payouts);
  });
  expect(result.networkFee).toBe(sum(result.transactions.map((tx) => tx.fee)));
  expect(result.totalWorstCaseBytes).toBe(result.transactions.reduce((a, tx) => a + tx.worstCaseBytes, 0));
  expect(result.lowerBoundBytes).toBeLessThanOrEqual(result.totalWorstCaseBytes);
}

/** Without its smallest input, a transaction could not pay its payouts and the fee even with no change. */
function checkFewestInputs(chain: ChainProfile, inputs: readonly SpendableOutput[], payouts: readonly { address: string; amount: bigint }[]): void {
  const fewer = inputs.slice(0, -1);
  const bytes = worstCaseTxBytes(fewer.length, payouts.map((o) => scriptLength(chain, o.address)));
  const held = sum(fewer.map((i) => i.amount));
  const needed = sum(payouts.map((o) => o.amount)) + feeFor(bytes, chain.fee.perByte);
  assert.ok(held < needed, `the inputs but the smallest hold ${held}, enough for ${needed}: one input too many`);
}

function checkPayments(request: BuildRequest, result: BuildResult): void {
  const outputs = result.transactions.flatMap((tx) => tx.outputs);
  const byId = new Map(request.payments.map((p) => [p.id, p]));
  const paid = outputs.flatMap((o) => o.paymentIds.filter((id) => id !== 'fee'));
  assert.deepEqual([...paid].sort(), [...byId.keys()].sort());
  for (const output of outputs.filter((o) => o.change === undefined && !o.paymentIds.includes('fee'))) {
    const payments = output.paymentIds.map((id) => byId.get(id) as PaymentRequest);
    assert.ok(payments.every((p) => p.address === output.address), `output to ${output.address} carries another payee's payment`);
    assert.equal(output.amount, sum(payments.map((p) => p.amount)));
  }
  checkFeePayment(request, result);
  if (request.payments.length === 0 && result.feePaymentPaid === 0n) expect(result.transactions).toEqual([]);
}

/**
 * The fee-paying payment's outputs: one at most per transaction, in the last transactions of the
 * build, never below dust, adding up to what the result says it paid; and its account: paid + the
 * network fee + carried = requested, carried 0 exactly when paid in full, never paid more than asked.
 */
function checkFeePayment(request: BuildRequest, result: BuildResult): void {
  const { chain } = request;
  const requested = request.feePayingPayment?.amount;
  const carrying = result.transactions.map((tx) => tx.outputs.filter((o) => o.paymentIds.includes('fee')));
  const feeOutputs = carrying.flat();
  if (requested === undefined) {
    expect(feeOutputs).toEqual([]);
    expect(result.feePayment).toBeUndefined();
    return;
  }
  const outcome = result.feePayment;
  expect(outcome).toBeDefined();
  if (outcome === undefined) return;
  for (const outputs of carrying) assert.ok(outputs.length <= 1, `${outputs.length} fee outputs in one transaction`);
  const first = carrying.findIndex((outputs) => outputs.length === 1);
  if (first >= 0) expect(carrying.slice(first).every((outputs) => outputs.length === 1)).toBe(true);
  for (const output of feeOutputs) {
    assert.deepEqual(output.paymentIds, ['fee']);
    assert.equal(output.change, undefined);
    assert.ok(output.amount >= chain.dustThreshold, `fee output ${output.amount} below dust`);
  }
  expect(sum(feeOutputs.map((o) => o.amount))).toBe(result.feePaymentPaid);
  expect(outcome).toEqual({ requested, paid: result.feePaymentPaid, outputs: feeOutputs.length, carried: requested - result.feePaymentPaid - result.networkFee, status: outcome.status });
  if (outcome.status === 'paid-in-full') {
    expect(outcome.paid).toBeGreaterThan(0n);
    expect(outcome.carried).toBe(0n);
  } else if (outcome.paid > 0n) {
    expect(outcome.carried).toBeGreaterThan(0n);
  }
  if (outcome.status === 'wallet-short') {
    // Short means it: the wallet, less the change the transactions must give back, cannot pay
    // the payouts and the whole fee and keep a change output.
    const change = sum(result.transactions.flatMap((tx) => tx.outputs.filter((o) => o.change !== undefined).map((o) => o.amount)));
    const payouts = sum(request.payments.map((p) => p.amount));
    expect(sum(request.utxos.map((u) => u.amount)) - change).toBeLessThan(payouts + requested + chain.dustThreshold);
  }
}

/** Reversed inputs, same result: the builder sorts everything it is given. */
function checkDeterminism(request: BuildRequest, result: BuildResult): void {
  const again = buildSettlementTransactions({ ...request, payments: [...request.payments].reverse(), utxos: [...request.utxos].reverse() });
  expect(again).toEqual(result);
}

/** A valid build, or insufficient-funds: never another error. */
function checkAnyBuild(request: BuildRequest): void {
  let result: BuildResult;
  try {
    result = buildSettlementTransactions(request);
  } catch (error) {
    if (isKibbleError(error, 'insufficient-funds')) return;
    throw error;
  }
  checkTransactions(request, result);
  checkPayments(request, result);
  checkDeterminism(request, result);
}

describe('buildSettlementTransactions: properties', () => {
  it('builds valid transactions or reports insufficient funds, for any request', () => {
    fc.assert(fc.property(anyRequestArb, checkAnyBuild), { numRuns: 300 });
  });

  it('lets the fee-paying payment take the largest utxos when the small ones cannot fund it in one transaction', () => {
    fc.assert(fc.property(bimodalRequestArb, checkAnyBuild), { numRuns: 200 });
  });

  it('pays the whole platform fee from many small utxos when the wallet holds it, over as many transactions as it needs', () => {
    fc.assert(
      fc.property(smallInputsRequestArb, (request) => {
        const result = buildSettlementTransactions(request);
        checkTransactions(request, result);
        checkPayments(request, result);
        checkDeterminism(request, result);
        expect(result.feePayment).toMatchObject({ status: 'paid-in-full', carried: 0n });
      }),
      { numRuns: 100 },
    );
  });

  it('always succeeds with ample funds, fills every transaction but the last, and drops the fee payment only near dust', () => {
    fc.assert(
      fc.property(ampleRequestArb, (request) => {
        const result = buildSettlementTransactions(request);
        checkTransactions(request, result);
        checkPayments(request, result);
        checkDeterminism(request, result);
        const { chain } = request;
        // Full: the next transaction's first output would not have fitted into the one before.
        result.transactions.slice(0, -1).forEach((tx, t) => {
          const next = result.transactions[t + 1]?.outputs[0];
          const scripts = [...tx.outputs, ...(next === undefined ? [] : [next])].map((o) => scriptLength(chain, o.address));
          const bytes = worstCaseTxBytes(tx.inputs.length, scripts);
          assert.ok(bytes >= chain.maxStandardTxBytes, `transaction ${t} would have held the next output (${bytes} bytes): not full`);
        });
        const requested = request.feePayingPayment?.amount;
        if (requested !== undefined && result.feePaymentPaid === 0n) {
          // Dropped only if, after every fee including its own output's and perhaps a transaction of its own, it would be dust.
          const slack = feeFor(10 + P2PKH_INPUT_WORST_BYTES + 2 * outputBytes(25) + 2, chain.fee.perByte);
          expect(requested).toBeLessThan(result.networkFee + chain.dustThreshold + slack);
        }
      }),
      { numRuns: 200 },
    );
  });
});

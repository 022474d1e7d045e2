import { p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import {
  buildSettlementTransactions,
  type BuildRequest,
  type ChangeSlot,
  type PaymentRequest,
  type SpendableOutput,
} from '../../../src/chain/tx/tx-builder';
import { feeFor } from '../../../src/chain/tx/tx-size';
import { chainProfile, type ChainProfile } from '../../../src/chain/profiles';
import { COIN } from '../../../src/money/amount';
import { kibbleErrorFrom, thrownCode } from '../../support/errors';

const dogecoin = chainProfile('dogecoin');
const regtest = chainProfile('bcoin-regtest');
/** Regtest with a small size limit, so a handful of payments already needs several transactions. */
const smallTxs: ChainProfile = { ...regtest, maxStandardTxBytes: 1000 };
const DUST = dogecoin.dustThreshold;

function hash(tag: number, i: number): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes[0] = tag;
  new DataView(bytes.buffer).setUint32(1, i);
  return bytes;
}

const payee = (chain: ChainProfile, i: number): string => p2pkhAddress(chain, hash(1, i));
const changeAddress = (chain: ChainProfile, i: number): string => p2pkhAddress(chain, hash(2, i));
const walletAddress = (chain: ChainProfile, i: number): string => p2pkhAddress(chain, hash(3, i));

function utxo(chain: ChainProfile, i: number, amount: bigint): SpendableOutput {
  return { txid: i.toString(16).padStart(64, '0'), vout: i % 2, amount, address: walletAddress(chain, i), keyPath: { change: 0, index: i } };
}

function request(chain: ChainProfile, payments: PaymentRequest[], utxos: SpendableOutput[], extra: Partial<BuildRequest> = {}): BuildRequest {
  return {
    chain,
    payments,
    utxos,
    changeSlot: (txIndex): ChangeSlot => ({ address: changeAddress(chain, txIndex), keyPath: { change: 1, index: txIndex } }),
    ...extra,
  };
}

describe('buildSettlementTransactions: examples', () => {
  it('pays one payment from the largest utxo with a change output; fee = rate x 226 bytes', () => {
    const slots: number[] = [];
    const result = buildSettlementTransactions(request(dogecoin, [{ id: 'a', address: payee(dogecoin, 0), amount: COIN }],
      [utxo(dogecoin, 1, 2n * COIN), utxo(dogecoin, 2, 10n * COIN), utxo(dogecoin, 3, 3n * COIN)],
      { changeSlot: (i) => { slots.push(i); return { address: changeAddress(dogecoin, i), keyPath: { change: 1, index: i } }; } }));
    expect(result.transactions).toHaveLength(1);
    const [tx] = result.transactions;
    expect(tx?.inputs.map((input) => input.amount)).toEqual([10n * COIN]);
    expect(tx?.worstCaseBytes).toBe(226);
    expect(tx?.fee).toBe(226_000n);
    expect(tx?.outputs).toEqual([
      { address: payee(dogecoin, 0), amount: COIN, paymentIds: ['a'] },
      {
        address: changeAddress(dogecoin, 0),
        amount: 9n * COIN - 226_000n,
        paymentIds: [],
        change: { address: changeAddress(dogecoin, 0), keyPath: { change: 1, index: 0 } },
      },
    ]);
    expect(slots).toEqual([0]);
    expect(result).toMatchObject({ networkFee: 226_000n, feePaymentPaid: 0n, totalWorstCaseBytes: 226, lowerBoundBytes: 192 });
  });

  it('takes the fewest inputs, largest first', () => {
    const utxos = [utxo(dogecoin, 1, COIN), utxo(dogecoin, 2, 5n * COIN), utxo(dogecoin, 3, 3n * COIN)];
    const result = buildSettlementTransactions(request(dogecoin, [{ id: 'a', address: payee(dogecoin, 0), amount: 7n * COIN }], utxos));
    expect(result.transactions[0]?.inputs.map((input) => input.amount)).toEqual([5n * COIN, 3n * COIN]);
  });

  it('merges payments to one address into one output listing both ids; outputs ordered by address', () => {
    const [x, y] = [payee(dogecoin, 5), payee(dogecoin, 6)].sort();
    const payments = [
      { id: 'p3', address: y as string, amount: 2n * COIN },
      { id: 'p2', address: x as string, amount: COIN },
      { id: 'p1', address: y as string, amount: 3n * COIN },
    ];
    const result = buildSettlementTransactions(request(dogecoin, payments, [utxo(dogecoin, 1, 100n * COIN)]));
    expect(result.transactions[0]?.outputs.slice(0, 2)).toEqual([
      { address: x, amount: COIN, paymentIds: ['p2'] },
      { address: y, amount: 5n * COIN, paymentIds: ['p1', 'p3'] },
    ]);
  });

  it('does not depend on the order of payments or utxos', () => {
    const payments = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, address: payee(smallTxs, i % 17), amount: BigInt(i + 1) * COIN }));
    const utxos = Array.from({ length: 20 }, (_, i) => utxo(smallTxs, i, BigInt((i % 7) + 1) * 20n * COIN));
    const once = buildSettlementTransactions(request(smallTxs, payments, utxos));
    const again = buildSettlementTransactions(request(smallTxs, [...payments].reverse(), [...utxos].reverse()));
    expect(again).toEqual(once);
    expect(once.transactions.length).toBeGreaterThan(1);
  });

  it('sizes a P2SH payout at 32 bytes', () => {
    const payments = [{ id: 'a', address: p2shAddress(dogecoin, hash(9, 0)), amount: COIN }];
    const result = buildSettlementTransactions(request(dogecoin, payments, [utxo(dogecoin, 1, 10n * COIN)]));
    expect(result.transactions[0]?.worstCaseBytes).toBe(10 + 148 + 32 + 34);
  });

  describe('change at the dust threshold', () => {
    // 1 input, payment + change: 226 bytes; without change: 192 bytes.
    const payments = [{ id: 'a', address: payee(dogecoin, 0), amount: COIN }];
    const build = (amount: bigint) => buildSettlementTransactions(request(dogecoin, payments, [utxo(dogecoin, 1, amount)])).transactions[0];

    it('creates a change of exactly the dust threshold', () => {
      const tx = build(COIN + 226_000n + DUST);
      expect(tx?.outputs.map((output) => output.amount)).toEqual([COIN, DUST]);
      expect(tx?.fee).toBe(226_000n);
    });

    it('gives a change below dust to the fee instead of creating it', () => {
      const tx = build(COIN + 226_000n + DUST - 1n);
      expect(tx?.outputs.map((output) => output.amount)).toEqual([COIN]);
      expect(tx?.worstCaseBytes).toBe(192);
      expect(tx?.fee).toBe(226_000n + DUST - 1n);
    });
  });

  describe('the fee-paying payment', () => {
    const payments = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, address: payee(smallTxs, i), amount: COIN }));
    const utxos = Array.from({ length: 10 }, (_, i) => utxo(smallTxs, i, 100n * COIN));
    const feePayment = (amount: bigint) => ({ id: 'fee', address: payee(smallTxs, 999), amount });
    const build = (amount: bigint) => buildSettlementTransactions(request(smallTxs, payments, utxos, { feePayingPayment: feePayment(amount) }));

    it('pays every transaction\'s fee out of its amount, in the last transaction', () => {
      const result = build(5n * COIN);
      const txs = result.transactions;
      expect(txs.length).toBeGreaterThan(1);
      const last = txs[txs.length - 1];
      const feeOutputs = txs.flatMap((tx) => tx.outputs.filter((output) => output.paymentIds.includes('fee')));
      expect(feeOutputs).toEqual([{ address: payee(smallTxs, 999), amount: 5n * COIN - result.networkFee, paymentIds: ['fee'] }]);
      expect(last?.outputs.some((output) => output.paymentIds.includes('fee'))).toBe(true);
      expect(result.feePaymentPaid).toBe(5n * COIN - result.networkFee);
      expect(last?.fee).toBe(feeFor(last?.worstCaseBytes ?? 0, smallTxs.fee.perByte));
      // The wallet spends exactly payments + the requested fee payment; the rest is change.
      const total = (amounts: bigint[]): bigint => amounts.reduce((a, b) => a + b, 0n);
      const spent = total(txs.map((tx) => total(tx.inputs.map((i) => i.amount)) - total(tx.outputs.filter((o) => o.change).map((o) => o.amount))));
      expect(spent).toBe(40n * COIN + 5n * COIN);
    });

    it('pays exactly the dust threshold, and is dropped one unit below', () => {
      const { networkFee } = build(5n * COIN);
      expect(build(networkFee + DUST).feePaymentPaid).toBe(DUST);
      const dropped = build(networkFee + DUST - 1n);
      expect(dropped.feePaymentPaid).toBe(0n);
      expect(dropped.transactions.flatMap((tx) => tx.outputs).some((output) => output.paymentIds.includes('fee'))).toBe(false);
    });

    it('is a transaction of its own when there are no payments, and none when dropped', () => {
      const alone = buildSettlementTransactions(request(smallTxs, [], utxos, { feePayingPayment: feePayment(COIN) }));
      expect(alone.transactions).toHaveLength(1);
      expect(alone.feePaymentPaid).toBe(COIN - alone.networkFee);
      expect(buildSettlementTransactions(request(smallTxs, [], utxos, { feePayingPayment: feePayment(DUST) })).transactions).toEqual([]);
    });

    it('adds an input rather than leave a change below dust (its amount is exact, so change is fixed by the inputs)', () => {
      // One payment of 1 and a fee payment of 1: inputs must be 2 + change; a 2.001 utxo leaves 0.001.
      const wallet = [utxo(regtest, 1, 2n * COIN + DUST / 10n), utxo(regtest, 2, DUST)];
      const result = buildSettlementTransactions(request(regtest, [payments[0] as PaymentRequest], wallet, { feePayingPayment: feePayment(COIN) }));
      const tx = result.transactions[0];
      expect(tx?.inputs).toHaveLength(2);
      expect(tx?.outputs.find((output) => output.change)?.amount).toBe(DUST + DUST / 10n);
      expect(result.feePaymentPaid).toBe(COIN - result.networkFee);
    });

    // Under 1,000 bytes a transaction holds 6 inputs with one or two outputs and no change
    // (10 + 6 x 148 + 34 = 932 bytes; 966 with a payout as well).
    const twos = (count: number): SpendableOutput[] => Array.from({ length: count }, (_, i) => utxo(smallTxs, i, 2n * COIN));
    const feeOutputsOf = (result: ReturnType<typeof build>): bigint[] =>
      result.transactions.flatMap((tx) => tx.outputs.filter((output) => output.paymentIds.includes('fee')).map((output) => output.amount));

    it('goes on over several transactions, one fee output in each, when one cannot hold the inputs it needs', () => {
      // 1 DOGE to a creator and a 45 DOGE platform fee from 2 DOGE utxos: 23 inputs, 6 per transaction.
      const result = buildSettlementTransactions(request(smallTxs, payments.slice(0, 1), twos(24), { feePayingPayment: feePayment(45n * COIN) }));
      expect(result.transactions.map((tx) => tx.inputs.length)).toEqual([6, 6, 6, 5]);
      expect(result.transactions.map((tx) => tx.fee)).toEqual([966_000n, 932_000n, 932_000n, 784_000n]);
      // The payout's transaction: 12 - 1 - its fee; then 12 - fee twice; the last pays the 10 left.
      expect(feeOutputsOf(result)).toEqual([11n * COIN - 966_000n, 12n * COIN - 932_000n, 12n * COIN - 932_000n, 10n * COIN - 784_000n]);
      expect(result.transactions.flatMap((tx) => tx.outputs).filter((output) => output.change)).toEqual([]);
      expect(result.feePaymentPaid + result.networkFee).toBe(45n * COIN);
      expect(result.feePayment).toEqual({ requested: 45n * COIN, paid: 45n * COIN - 3_614_000n, outputs: 4, carried: 0n, status: 'paid-in-full' });
    });

    it('spends the last payout transaction\'s change and room first', () => {
      // The payout takes the 50 DOGE utxo; the fee output there takes its 47.99 of change and five 0.5s.
      const wallet = [utxo(smallTxs, 1, 50n * COIN), ...Array.from({ length: 12 }, (_, i) => utxo(smallTxs, 10 + i, COIN / 2n))];
      const result = buildSettlementTransactions(request(smallTxs, [{ id: 'a', address: payee(smallTxs, 1), amount: 2n * COIN }], wallet, { feePayingPayment: feePayment(51n * COIN) }));
      const [first, second] = result.transactions;
      expect(first?.inputs.map((input) => input.amount)).toEqual([50n * COIN, ...Array.from({ length: 5 }, () => COIN / 2n)]);
      expect(first?.outputs.map((output) => [output.paymentIds, output.amount])).toEqual([[['a'], 2n * COIN], [['fee'], 505n * COIN / 10n - 966_000n]]);
      expect(second?.outputs.map((output) => [output.paymentIds, output.amount])).toEqual([[['fee'], COIN / 2n - 192_000n]]);
      expect(result.feePayment?.status).toBe('paid-in-full');
    });

    it('leaves the rest large enough for the next transaction to pay, dropping an input from the full one', () => {
      // Six 2 DOGE inputs would leave 0.005 DOGE, below dust once a transaction pays its fee: five go first.
      const requested = 12n * COIN + COIN / 200n;
      const result = buildSettlementTransactions(request(smallTxs, [], twos(10), { feePayingPayment: feePayment(requested) }));
      expect(result.transactions.map((tx) => tx.inputs.length)).toEqual([5, 2]);
      expect(feeOutputsOf(result)).toEqual([10n * COIN - 784_000n, 2n * COIN + COIN / 200n - 374_000n]);
      expect(result.feePayment).toMatchObject({ requested, carried: 0n, status: 'paid-in-full' });
    });

    it('pays what the wallet holds when it really lacks the coins, and says how much waits in platform:fees', () => {
      const result = buildSettlementTransactions(request(smallTxs, payments.slice(0, 1), twos(7), { feePayingPayment: feePayment(45n * COIN) }));
      expect(result.transactions.flatMap((tx) => tx.inputs)).toHaveLength(7);
      expect(feeOutputsOf(result)).toEqual([11n * COIN - 966_000n, 2n * COIN - 192_000n]);
      // 14 DOGE held, 1 to the creator: 13 for the platform with the fees, 32 of its 45 wait.
      expect(result.feePayment).toEqual({ requested: 45n * COIN, paid: 13n * COIN - 1_158_000n, outputs: 2, carried: 32n * COIN, status: 'wallet-short' });
    });

    it('never pays the platform more than it asked: a leftover below dust with nothing to add makes the change exactly dust', () => {
      // 2.001 DOGE for 1 DOGE of payout and 1 DOGE of fee: 0.001 left, and no other utxo.
      const wallet = [utxo(regtest, 1, 2n * COIN + DUST / 10n)];
      const result = buildSettlementTransactions(request(regtest, [payments[0] as PaymentRequest], wallet, { feePayingPayment: feePayment(COIN) }));
      const outputs = result.transactions[0]?.outputs.map((output) => [output.paymentIds, output.amount]);
      expect(outputs).toEqual([[['p0'], COIN], [['fee'], COIN - 260_000n - (DUST - DUST / 10n)], [[], DUST]]);
      expect(result.feePayment).toMatchObject({ carried: DUST - DUST / 10n, status: 'wallet-short' });
    });

    it('says when the wallet\'s outputs are worth less than spending them costs', () => {
      // 0.0015 DOGE each, 0.00148 to spend: six of them in a transaction pay less than its fee.
      const crumbs = Array.from({ length: 50 }, (_, i) => utxo(smallTxs, i, 150_000n));
      const result = buildSettlementTransactions(request(smallTxs, [], crumbs, { feePayingPayment: feePayment(COIN) }));
      expect(result.transactions).toEqual([]);
      expect(result.feePayment).toEqual({ requested: COIN, paid: 0n, outputs: 0, carried: COIN, status: 'inputs-too-small' });
    });

    it('still refuses payouts the wallet cannot pay: the fee payment never takes from the creators', () => {
      const error = kibbleErrorFrom(() => buildSettlementTransactions(request(smallTxs, payments.slice(0, 3), twos(1), { feePayingPayment: feePayment(COIN) })));
      expect(error.code).toBe('insufficient-funds');
    });
  });

  it('builds nothing for no payments and no fee payment, and asks for no change slot', () => {
    const result = buildSettlementTransactions(request(dogecoin, [], [utxo(dogecoin, 1, COIN)], { changeSlot: () => { throw new Error('not called'); } }));
    expect(result).toEqual({ transactions: [], networkFee: 0n, feePaymentPaid: 0n, totalWorstCaseBytes: 0, lowerBoundBytes: 0 });
  });

  it('names the shortfall in coins when the utxos cannot cover the payments', () => {
    const error = kibbleErrorFrom(() =>
      buildSettlementTransactions(request(dogecoin, [{ id: 'a', address: payee(dogecoin, 0), amount: 10n * COIN }], [utxo(dogecoin, 1, 5n * COIN)])));
    expect(error.code).toBe('insufficient-funds');
    // 10 DOGE + fee for 192 bytes - 5 DOGE.
    expect(error.details).toEqual({ shortfall: '500192000' });
    expect(error.message).toContain('5.00192 DOGE');
  });

  it('is short of funds when one payment needs more small inputs than fit in a standard transaction', () => {
    const crumbs = Array.from({ length: 10 }, (_, i) => utxo(smallTxs, i, 2n * DUST));
    const payments = [{ id: 'a', address: payee(smallTxs, 0), amount: 15n * DUST }];
    expect(thrownCode(() => buildSettlementTransactions(request(smallTxs, payments, crumbs)))).toBe('insufficient-funds');
  });

  it.each<[string, Partial<BuildRequest>]>([
    ['a payment below dust', { payments: [{ id: 'a', address: payee(dogecoin, 0), amount: DUST - 1n }] }],
    ['a duplicate payment id', { payments: [{ id: 'a', address: payee(dogecoin, 0), amount: COIN }, { id: 'a', address: payee(dogecoin, 1), amount: COIN }] }],
    ['the fee payment reusing a payment id', { feePayingPayment: { id: 'a', address: payee(dogecoin, 1), amount: COIN } }],
    ['an address of another chain', { payments: [{ id: 'a', address: payee(regtest, 0), amount: COIN }] }],
    ['a negative fee payment', { feePayingPayment: { id: 'f', address: payee(dogecoin, 1), amount: -1n } }],
    ['a utxo listed twice', { utxos: [utxo(dogecoin, 1, COIN * 5n), utxo(dogecoin, 1, COIN * 5n)] }],
    ['a P2SH utxo', { utxos: [{ ...utxo(dogecoin, 1, COIN * 5n), address: p2shAddress(dogecoin, hash(3, 1)) }] }],
    ['an upper-case txid', { utxos: [{ ...utxo(dogecoin, 1, COIN * 5n), txid: 'A'.repeat(64) }] }],
    ['a zero-amount utxo', { utxos: [utxo(dogecoin, 1, 0n)] }],
    ['a bad key path', { utxos: [{ ...utxo(dogecoin, 1, COIN * 5n), keyPath: { change: 0, index: -1 } }] }],
    ['a change address that is a payout address', { changeSlot: () => ({ address: payee(dogecoin, 0), keyPath: { change: 1, index: 0 } }) }],
    ['a P2SH change address', { changeSlot: () => ({ address: p2shAddress(dogecoin, hash(2, 0)), keyPath: { change: 1, index: 0 } }) }],
  ])('refuses %s (validation-failed)', (_name, override) => {
    const base = request(dogecoin, [{ id: 'a', address: payee(dogecoin, 0), amount: COIN }], [utxo(dogecoin, 1, 5n * COIN)]);
    expect(thrownCode(() => buildSettlementTransactions({ ...base, ...override }))).toBe('validation-failed');
  });

  it('splits a month of 3,000 payments into full transactions below 100,000 bytes, within 2% of the lower bound', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 0x7fffffff);
    const payments = Array.from({ length: 3000 }, (_, i) => ({ id: `p${i}`, address: payee(dogecoin, i), amount: DUST + BigInt(next() % 1000) * DUST }));
    const utxos = Array.from({ length: 2000 }, (_, i) => utxo(dogecoin, i, 10n * COIN + BigInt(next() % 100_000) * DUST));
    const feePayingPayment = { id: 'fee', address: payee(dogecoin, 99_999), amount: 100n * COIN };
    const result = buildSettlementTransactions(request(dogecoin, payments, utxos, { feePayingPayment }));
    const sizes = result.transactions.map((tx) => tx.worstCaseBytes);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThan(100_000);
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(99_500);
    expect(result.totalWorstCaseBytes).toBeLessThanOrEqual(result.lowerBoundBytes * 1.02);
    expect(result.totalWorstCaseBytes).toBeGreaterThanOrEqual(result.lowerBoundBytes);
    expect(result.transactions.flatMap((tx) => tx.outputs).flatMap((output) => output.paymentIds)).toHaveLength(3001);
  });
});

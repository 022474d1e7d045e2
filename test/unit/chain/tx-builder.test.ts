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

    it('takes the largest utxos, reserved before the payouts, when the rest cannot fund it within one transaction', () => {
      // 1 koinu/byte keeps the other transactions' fees below dust: the reserve itself must leave a valid change.
      const cheap: ChainProfile = { ...smallTxs, fee: { ...smallTxs.fee, perByte: 1n } };
      const large = [utxo(cheap, 1, 45n * COIN + 1000n), utxo(cheap, 2, 40n * COIN)];
      const small = Array.from({ length: 50 }, (_, i) => utxo(cheap, 10 + i, 2n * COIN));
      const nine = Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, address: payee(cheap, i), amount: 9n * COIN }));
      const feePayingPayment = { id: 'fee', address: payee(cheap, 999), amount: 45n * COIN };
      const result = buildSettlementTransactions(request(cheap, nine, [...small, ...large], { feePayingPayment }));
      const txs = result.transactions;
      const last = txs[txs.length - 1];
      expect(txs).toHaveLength(9);
      for (const tx of txs.slice(0, -1)) expect(tx.inputs.every((input) => input.amount === 2n * COIN)).toBe(true);
      expect(last?.inputs.map((input) => input.amount)).toEqual([45n * COIN + 1000n, 40n * COIN]);
      expect(result.feePaymentPaid).toBe(45n * COIN - result.networkFee);
      expect(last?.outputs.map((output) => [output.paymentIds, output.amount])).toEqual([
        [['fee'], result.feePaymentPaid],
        [[], 85n * COIN + 1000n - 45n * COIN + result.networkFee - (last?.fee ?? 0n)],
      ]);
    });

    it('is capped to what the largest utxos that fit in one transaction hold; the platform keeps the rest', () => {
      const small = Array.from({ length: 50 }, (_, i) => utxo(smallTxs, i, 2n * COIN));
      const three = payments.slice(0, 3);
      const result = buildSettlementTransactions(request(smallTxs, three, small, { feePayingPayment: feePayment(45n * COIN) }));
      const last = result.transactions[result.transactions.length - 1];
      // 6 inputs and the fee output: 932 bytes; a 7th input would pass 1,000.
      expect(last?.inputs).toHaveLength(6);
      expect(last?.outputs).toEqual([{ address: payee(smallTxs, 999), amount: 12n * COIN - 932_000n, paymentIds: ['fee'] }]);
      expect(result.feePaymentPaid).toBe(12n * COIN - 932_000n);
      expect(result.feePaymentPaid + result.networkFee).toBeLessThan(45n * COIN);
    });

    it('when capped, leaves out reserved inputs rather than pay the platform more than it asked', () => {
      // Six reserved inputs hold 59.999 of the 60 asked; with the payout's fee (522 bytes) that would be
      // 0.00422 too much, not enough for a change output: the smallest reserved input stays unspent.
      const large = [...Array.from({ length: 5 }, (_, i) => utxo(smallTxs, i, 10n * COIN)), utxo(smallTxs, 5, 10n * COIN - COIN / 1000n)];
      const small = Array.from({ length: 20 }, (_, i) => utxo(smallTxs, 10 + i, COIN / 2n));
      const result = buildSettlementTransactions(request(smallTxs, payments.slice(0, 1), [...large, ...small], { feePayingPayment: feePayment(60n * COIN) }));
      const [payout, last] = result.transactions;
      expect(payout?.fee).toBe(522_000n);
      expect(last?.inputs.map((input) => input.amount)).toEqual(Array.from({ length: 5 }, () => 10n * COIN));
      expect(result.feePaymentPaid).toBe(50n * COIN - 784_000n);
      expect(result.feePaymentPaid + result.networkFee).toBe(50n * COIN + 522_000n);
    });

    it('is short of funds when the wallet would keep less than dust and nothing is left to add', () => {
      const wallet = [utxo(regtest, 1, 2n * COIN + DUST / 10n)];
      const build1 = () => buildSettlementTransactions(request(regtest, [payments[0] as PaymentRequest], wallet, { feePayingPayment: feePayment(COIN) }));
      const error = kibbleErrorFrom(build1);
      expect(error.code).toBe('insufficient-funds');
      expect(error.details).toEqual({ shortfall: (DUST - DUST / 10n).toString() });
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

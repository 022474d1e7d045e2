import { p2pkhAddress } from '../../../src/chain/address';
import { buildSettlementTransactions, type BuildRequest, type ChangeSlot, type PaymentRequest, type SpendableOutput } from '../../../src/chain/tx/tx-builder';
import { feeFor, outputBytes } from '../../../src/chain/tx/tx-size';
import { chainProfile, type ChainProfile } from '../../../src/chain/profiles';
import { COIN } from '../../../src/money/amount';
import { commitmentScript } from '../../../src/proofs/commitment';
import { thrownCode } from '../../support/errors';

// The month's commitment (docs/proofs.md): one OP_RETURN output, value 0, in the first
// transaction only, counted in its size and fee like any other output.
const dogecoin = chainProfile('dogecoin');
const regtest = chainProfile('bcoin-regtest');
/** A small size limit, so a handful of payments already needs several transactions. */
const smallTxs: ChainProfile = { ...regtest, maxStandardTxBytes: 1000 };

const SCRIPT = Buffer.from(commitmentScript('2026-11', new Uint8Array(32).fill(7))).toString('hex');
const DATA_OUTPUT_BYTES = outputBytes(SCRIPT.length / 2);

function hash(tag: number, i: number): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes[0] = tag;
  new DataView(bytes.buffer).setUint32(1, i);
  return bytes;
}

function utxo(chain: ChainProfile, i: number, amount: bigint): SpendableOutput {
  return { txid: (i + 1).toString(16).padStart(64, '0'), vout: 0, amount, address: p2pkhAddress(chain, hash(3, i)), keyPath: { change: 0, index: i } };
}

function request(chain: ChainProfile, payments: PaymentRequest[], utxos: SpendableOutput[], extra: Partial<BuildRequest> = {}): BuildRequest {
  return {
    chain,
    payments,
    utxos,
    changeSlot: (txIndex): ChangeSlot => ({ address: p2pkhAddress(chain, hash(2, txIndex)), keyPath: { change: 1, index: txIndex } }),
    ...extra,
  };
}

const payments = (chain: ChainProfile, count: number, amount = COIN): PaymentRequest[] =>
  Array.from({ length: count }, (_, i) => ({ id: `creator:${i}`, address: p2pkhAddress(chain, hash(1, i)), amount }));

describe('the data output (the month\'s commitment)', () => {
  it('is output 0 of the one transaction, worth nothing; its 54 bytes count in the size and fee', () => {
    const without = buildSettlementTransactions(request(dogecoin, payments(dogecoin, 1), [utxo(dogecoin, 0, 10n * COIN)]));
    const withData = buildSettlementTransactions(request(dogecoin, payments(dogecoin, 1), [utxo(dogecoin, 0, 10n * COIN)], { dataOutput: { script: SCRIPT } }));
    const [plain, committed] = [without.transactions[0], withData.transactions[0]];
    expect(DATA_OUTPUT_BYTES).toBe(54);
    expect(committed?.outputs[0]).toEqual({ address: '', amount: 0n, paymentIds: [], dataScript: SCRIPT });
    expect(committed?.outputs.slice(1).map((o) => o.address)).toEqual(plain?.outputs.map((o) => o.address));
    expect(committed?.worstCaseBytes).toBe((plain?.worstCaseBytes ?? 0) + DATA_OUTPUT_BYTES);
    expect(committed?.fee).toBe(feeFor(committed?.worstCaseBytes ?? 0, dogecoin.fee.perByte));
    expect(withData.networkFee - without.networkFee).toBe(feeFor(DATA_OUTPUT_BYTES, dogecoin.fee.perByte));
    expect(withData.lowerBoundBytes - without.lowerBoundBytes).toBe(DATA_OUTPUT_BYTES);
    // The change pays for it: inputs = outputs + fee still holds.
    const inputs = committed?.inputs.reduce((sum, input) => sum + input.amount, 0n) ?? 0n;
    const outputs = committed?.outputs.reduce((sum, output) => sum + output.amount, 0n) ?? 0n;
    expect(inputs - outputs).toBe(committed?.fee);
  });

  it('goes in the first transaction only when the month needs several, and they stay below the size limit', () => {
    const utxos = Array.from({ length: 40 }, (_, i) => utxo(smallTxs, i, 2n * COIN));
    const built = buildSettlementTransactions(request(smallTxs, payments(smallTxs, 30), utxos, { dataOutput: { script: SCRIPT } }));
    expect(built.transactions.length).toBeGreaterThan(2);
    const dataOutputs = built.transactions.flatMap((tx, index) => tx.outputs.flatMap((output, vout) => (output.dataScript === undefined ? [] : [[index, vout]])));
    expect(dataOutputs).toEqual([[0, 0]]);
    for (const tx of built.transactions) {
      expect(tx.worstCaseBytes).toBeLessThan(smallTxs.maxStandardTxBytes);
      expect(tx.fee).toBeGreaterThanOrEqual(feeFor(tx.worstCaseBytes, smallTxs.fee.perByte));
    }
    // Every payment is still paid once.
    expect(built.transactions.flatMap((tx) => tx.outputs.flatMap((o) => o.paymentIds)).sort()).toEqual(payments(smallTxs, 30).map((p) => p.id).sort());
  });

  it('rides with the fee payment when it is the only transaction', () => {
    const built = buildSettlementTransactions(request(dogecoin, [], [utxo(dogecoin, 0, 10n * COIN)], {
      feePayingPayment: { id: 'platform-fee', address: p2pkhAddress(dogecoin, hash(4, 0)), amount: 2n * COIN },
      dataOutput: { script: SCRIPT },
    }));
    expect(built.transactions).toHaveLength(1);
    expect(built.transactions[0]?.outputs[0]?.dataScript).toBe(SCRIPT);
    expect(built.feePayment?.status).toBe('paid-in-full');
  });

  it('goes nowhere when the month pays nothing', () => {
    const built = buildSettlementTransactions(request(dogecoin, [], [utxo(dogecoin, 0, 10n * COIN)], { dataOutput: { script: SCRIPT } }));
    expect(built.transactions).toEqual([]);
  });

  it.each([
    ['not OP_RETURN', `76${SCRIPT.slice(2)}`],
    ['longer than 83 bytes', `6a4c51${'00'.repeat(81)}`],
    ['not hex', 'zz'],
    ['upper-case hex', SCRIPT.toUpperCase()],
  ])('refuses a data output script that is %s', (_what, script) => {
    expect(thrownCode(() => buildSettlementTransactions(request(dogecoin, payments(dogecoin, 1), [utxo(dogecoin, 0, 10n * COIN)], { dataOutput: { script } })))).toBe('validation-failed');
  });
});

import { buildSettlementTransactions, type BuildRequest, type BuildResult, type ChangeSlot, type PaymentRequest } from '../../../src/chain/tx/tx-builder';
import { chainProfile, type ChainName, type ChainProfile } from '../../../src/chain/profiles';
import { kibbleErrorFrom } from '../../support/errors';
import { plainJson, readVectors, units } from '../vector-files';

/** BuildRequest as the fixture writes it: amounts as decimal strings, change slots as a list. */
interface PaymentJson { id: string; address: string; amount: string }
interface UtxoJson { txid: string; vout: number; amount: string; address: string; keyPath: { change: 0 | 1; index: number } }
interface RequestJson {
  chain: ChainName;
  maxStandardTxBytes?: number;
  payments: PaymentJson[];
  feePayingPayment?: PaymentJson;
  /** `repeat: n` stands for n utxos with consecutive vouts and key indexes. */
  utxos: (UtxoJson & { repeat?: number })[];
  changeAddresses: string[];
}
interface Vectors {
  defaults: RequestJson;
  valid: { description: string; input: Partial<RequestJson>; expected: unknown }[];
  invalid: { description: string; input: Partial<RequestJson>; code: string; details?: Record<string, string> }[];
}

const vectors = readVectors('chain/tx-builder.json') as Vectors;

function chainOf(json: RequestJson): ChainProfile {
  const profile = chainProfile(json.chain);
  return { ...profile, maxStandardTxBytes: json.maxStandardTxBytes ?? profile.maxStandardTxBytes };
}

function expandRepeat({ repeat, ...utxo }: UtxoJson & { repeat?: number }): UtxoJson[] {
  return Array.from({ length: repeat ?? 1 }, (_, i) => ({ ...utxo, vout: utxo.vout + i, keyPath: { ...utxo.keyPath, index: utxo.keyPath.index + i } }));
}

function buildRequest(overrides: Partial<RequestJson>): BuildRequest {
  const json: RequestJson = { ...vectors.defaults, ...overrides };
  const payment = (p: PaymentJson): PaymentRequest => ({ id: p.id, address: p.address, amount: units(p.amount) });
  return {
    chain: chainOf(json),
    payments: json.payments.map(payment),
    ...(json.feePayingPayment === undefined ? {} : { feePayingPayment: payment(json.feePayingPayment) }),
    utxos: json.utxos.flatMap(expandRepeat).map((u) => ({ txid: u.txid, vout: u.vout, amount: units(u.amount), address: u.address, keyPath: { change: u.keyPath.change, index: u.keyPath.index } })),
    changeSlot: (txIndex): ChangeSlot => {
      const address = json.changeAddresses[txIndex];
      if (address === undefined) throw new Error(`the vector has no change address for transaction ${txIndex}`);
      return { address, keyPath: { change: 1, index: txIndex } };
    },
  };
}

/** The result as the fixture writes it: inputs as txid:vout, change outputs marked `change: true`. */
function asVector(result: BuildResult): unknown {
  return plainJson({
    ...result,
    transactions: result.transactions.map((tx) => ({
      inputs: tx.inputs.map((input) => `${input.txid}:${input.vout}`),
      outputs: tx.outputs.map(({ address, amount, paymentIds, change }) => ({ address, amount, paymentIds, ...(change === undefined ? {} : { change: true }) })),
      fee: tx.fee,
      worstCaseBytes: tx.worstCaseBytes,
    })),
  });
}

/** What asVector leaves out: inputs are the request's utxos, and change slot i pays to its own address with key path 1/i. */
function checkOmittedFields(request: BuildRequest, result: BuildResult): void {
  const utxos = new Map(request.utxos.map((u) => [`${u.txid}:${u.vout}`, u]));
  result.transactions.forEach((tx, txIndex) => {
    for (const input of tx.inputs) expect(input).toEqual(utxos.get(`${input.txid}:${input.vout}`));
    for (const output of tx.outputs) {
      if (output.change !== undefined) expect(output.change).toEqual({ address: output.address, keyPath: { change: 1, index: txIndex } });
    }
  });
}

describe('buildSettlementTransactions vectors (test/fixtures/chain/tx-builder.json)', () => {
  it.each(vectors.valid)('$description', ({ input, expected }) => {
    const request = buildRequest(input);
    const result = buildSettlementTransactions(request);
    expect(asVector(result)).toEqual(expected);
    checkOmittedFields(request, result);
  });

  it.each(vectors.invalid)('refuses $description ($code)', ({ input, code, details }) => {
    const error = kibbleErrorFrom(() => buildSettlementTransactions(buildRequest(input)));
    expect(error.code).toBe(code);
    if (details !== undefined) expect(error.details).toEqual(details);
  });
});

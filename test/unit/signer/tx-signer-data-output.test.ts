import { Transaction } from 'bitcoinjs-lib';
import { p2pkhAddress } from '../../../src/chain/address';
import { buildSettlementTransactions, type UnsignedTransaction } from '../../../src/chain/tx/tx-builder';
import { chainProfile } from '../../../src/chain/profiles';
import { AddressDeriver } from '../../../src/keys/hd';
import { COIN } from '../../../src/money/amount';
import { commitmentScript, findCommitment } from '../../../src/proofs/commitment';
import { createSigner } from '../../../src/signer/hd-signer';
import { signSettlementTransaction } from '../../../src/signer/tx-signer';
import { kibbleErrorFrom } from '../../support/errors';

// The signer accepts exactly the data output the plan lists (the month's commitment, derived by
// its caller from the stored root), value 0, and refuses any other.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const chain = chainProfile('dogecoin');
const signer = createSigner(chain, { mnemonic: MNEMONIC });
const deriver = new AddressDeriver(chain, signer.accountXpub());
const ROOT = new Uint8Array(32).fill(9);
const PLANNED = Buffer.from(commitmentScript('2026-11', ROOT)).toString('hex');

function built(dataScript?: string): UnsignedTransaction {
  const result = buildSettlementTransactions({
    chain,
    payments: [{ id: 'creator:a', address: p2pkhAddress(chain, new Uint8Array(20).fill(1)), amount: 3n * COIN }],
    utxos: [{ txid: 'c'.repeat(64), vout: 0, amount: 10n * COIN, address: deriver.depositAddress(0), keyPath: { change: 0, index: 0 } }],
    changeSlot: (i) => ({ address: deriver.changeAddress(i), keyPath: { change: 1, index: i } }),
    ...(dataScript === undefined ? {} : { dataOutput: { script: dataScript } }),
  });
  return result.transactions[0] as UnsignedTransaction;
}

const refusal = (fn: () => unknown): string => {
  const error = kibbleErrorFrom(fn);
  expect(error.code).toBe('internal');
  return error.message;
};

describe('signSettlementTransaction and the data output', () => {
  it('signs the planned commitment: the signed bytes carry it at output 0, value 0', () => {
    const signed = signSettlementTransaction(chain, built(PLANNED), signer, PLANNED);
    const tx = Transaction.fromHex(signed.raw);
    expect(tx.outs[0]?.value).toBe(0n);
    const commitment = findCommitment(tx);
    expect(commitment).toEqual({ period: '2026-11', root: ROOT, vout: 0 });
    expect(signed.bytes).toBeLessThanOrEqual(signed.worstCaseBytes);
  });

  it('refuses a data output the plan does not list', () => {
    expect(refusal(() => signSettlementTransaction(chain, built(PLANNED), signer))).toMatch(/data output the plan does not list/);
  });

  it('refuses a data output other than the planned one (another root)', () => {
    const other = Buffer.from(commitmentScript('2026-11', new Uint8Array(32).fill(8))).toString('hex');
    expect(refusal(() => signSettlementTransaction(chain, built(other), signer, PLANNED))).toMatch(/not the script the plan lists/);
  });

  it('refuses a data output that carries coins', () => {
    const tx = built(PLANNED);
    const [data, ...rest] = tx.outputs;
    const change = rest[rest.length - 1];
    if (data === undefined || change === undefined) throw new Error('expected outputs');
    const moved = { ...tx, outputs: [{ ...data, amount: COIN }, ...rest.slice(0, -1), { ...change, amount: change.amount - COIN }] };
    expect(refusal(() => signSettlementTransaction(chain, moved, signer, PLANNED))).toMatch(/must carry nothing/);
  });

  it('refuses two data outputs', () => {
    const tx = built(PLANNED);
    const twice = { ...tx, outputs: [tx.outputs[0], ...tx.outputs] as UnsignedTransaction['outputs'] };
    expect(refusal(() => signSettlementTransaction(chain, twice, signer, PLANNED))).toMatch(/more than one data output/);
  });

  it('refuses a transaction without the planned data output', () => {
    expect(refusal(() => signSettlementTransaction(chain, built(), signer, PLANNED))).toMatch(/lacks/);
  });

  it('refuses a non-standard output: a planned script that is not OP_RETURN', () => {
    const script = `76${PLANNED.slice(2)}`;
    const tx = built(PLANNED);
    const odd = { ...tx, outputs: tx.outputs.map((output) => (output.dataScript === undefined ? output : { ...output, dataScript: script })) };
    expect(refusal(() => signSettlementTransaction(chain, odd, signer, script))).toMatch(/not one standard OP_RETURN/);
  });

  it('refuses an output to something that is not one of the chain\'s addresses', () => {
    const tx = built();
    const odd = { ...tx, outputs: tx.outputs.map((output, i) => (i === 0 ? { ...output, address: 'not-an-address' } : output)) };
    expect(kibbleErrorFrom(() => signSettlementTransaction(chain, odd, signer)).code).toBe('address-invalid');
  });
});

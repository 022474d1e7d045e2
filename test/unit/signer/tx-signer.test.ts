import { Transaction, script as bscript } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { outputScriptFor, p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner, type Signer } from '../../../src/signer/hd-signer';
import { buildSettlementTransactions, type SpendableOutput, type UnsignedTransaction } from '../../../src/chain/tx/tx-builder';
import { signSettlementTransaction, type SignedTransaction } from '../../../src/signer/tx-signer';
import { chainProfile, type ChainProfile } from '../../../src/chain/profiles';
import { COIN } from '../../../src/money/amount';
import { kibbleErrorFrom } from '../../support/errors';

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
// The BIP39 test mnemonic: public, guards nothing.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

function hash(tag: number, i: number): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes[0] = tag;
  bytes[1] = i;
  return bytes;
}

interface Wallet { chain: ChainProfile; signer: Signer; deriver: AddressDeriver }

function wallet(name: string): Wallet {
  const chain = chainProfile(name);
  const signer = createSigner(chain, { mnemonic: MNEMONIC });
  return { chain, signer, deriver: new AddressDeriver(chain, signer.accountXpub()) };
}

function deposit({ deriver }: Wallet, i: number, amount: bigint, vout = 0): SpendableOutput {
  return { txid: (i + 1).toString(16).padStart(64, 'c'), vout, amount, address: deriver.depositAddress(i), keyPath: { change: 0, index: i } };
}

/** Two inputs from one address, P2PKH and P2SH payouts, the fee-paying payment and change. */
function buildFor(w: Wallet): UnsignedTransaction {
  const { chain, deriver } = w;
  const result = buildSettlementTransactions({
    chain,
    payments: [
      { id: 'a', address: p2pkhAddress(chain, hash(1, 0)), amount: 3n * COIN },
      { id: 'b', address: p2shAddress(chain, hash(1, 1)), amount: 2n * COIN },
    ],
    feePayingPayment: { id: 'fee', address: p2pkhAddress(chain, hash(1, 2)), amount: COIN },
    utxos: [deposit(w, 0, 4n * COIN), deposit(w, 0, 2n * COIN + COIN / 2n, 1), deposit(w, 1, COIN / 10n)],
    changeSlot: (txIndex) => ({ address: deriver.changeAddress(txIndex), keyPath: { change: 1, index: txIndex } }),
  });
  expect(result.transactions).toHaveLength(1);
  expect(result.transactions[0]?.inputs.map((input) => input.keyPath.index)).toEqual([0, 0]);
  return result.transactions[0] as UnsignedTransaction;
}

/** Parses the raw transaction back and checks it against what was built, signatures included. */
function checkSigned(w: Wallet, unsigned: UnsignedTransaction, signed: SignedTransaction): void {
  const tx = Transaction.fromHex(signed.raw);
  expect(tx.getId()).toBe(signed.txid);
  expect(tx.ins.map((input) => [Buffer.from(input.hash).reverse().toString('hex'), input.index])).toEqual(
    unsigned.inputs.map((input) => [input.txid, input.vout]),
  );
  expect(tx.outs.map((output) => [Buffer.from(output.script).toString('hex'), output.value])).toEqual(
    unsigned.outputs.map((output) => [Buffer.from(outputScriptFor(w.chain, output.address)).toString('hex'), output.amount]),
  );
  tx.ins.forEach((input, i) => {
    const [encoded, publicKey] = bscript.decompile(input.script) as [Uint8Array, Uint8Array];
    const { signature, hashType } = bscript.signature.decode(encoded);
    expect(hashType).toBe(Transaction.SIGHASH_ALL);
    const prevout = outputScriptFor(w.chain, unsigned.inputs[i]?.address as string);
    expect(ecc.verify(tx.hashForSignature(i, prevout, hashType), publicKey, signature, true)).toBe(true);
  });
  expect(signed.bytes).toBe(signed.raw.length / 2);
  expect(signed.bytes).toBeLessThanOrEqual(unsigned.worstCaseBytes);
  expect(signed.bytes).toBeGreaterThan(unsigned.worstCaseBytes - 3 * unsigned.inputs.length);
  expect(signed).toMatchObject({ fee: unsigned.fee, worstCaseBytes: unsigned.worstCaseBytes });
}

describe.each(['bcoin-regtest', 'dogecoin'])('signSettlementTransaction on %s', (name) => {
  const w = wallet(name);
  const unsigned = buildFor(w);

  it('signs every input with a valid low-S signature and keeps the built inputs and outputs', () => {
    checkSigned(w, unsigned, signSettlementTransaction(w.chain, unsigned, w.signer));
  });

  it('is deterministic (RFC 6979): the same transaction signs to the same bytes', () => {
    expect(signSettlementTransaction(w.chain, unsigned, w.signer)).toEqual(signSettlementTransaction(w.chain, unsigned, w.signer));
  });

  it('refuses an input whose key path derives another address, naming the outpoint only', () => {
    const input = unsigned.inputs[0] as SpendableOutput;
    const wrong = { ...unsigned, inputs: [{ ...input, keyPath: { change: 0 as const, index: 7 } }, ...unsigned.inputs.slice(1)] };
    const error = kibbleErrorFrom(() => signSettlementTransaction(w.chain, wrong, w.signer));
    expect(error.code).toBe('internal');
    expect(error.message).toContain(`${input.txid}:${input.vout}`);
    expect(error.message).not.toMatch(/prv|[0-9a-f]{66}/);
  });

  /** The real signer's keys, with their signatures passed through `tamper`. */
  function tamperedSigner(tamper: (signature: Uint8Array, sign: (hash: Uint8Array) => Uint8Array) => Uint8Array): Signer {
    return {
      chain: w.signer.chain,
      accountXpub: () => w.signer.accountXpub(),
      keyPairFor: (path) => {
        const key = w.signer.keyPairFor(path);
        return { publicKey: key.publicKey, sign: (hash) => tamper(key.sign(hash), (other) => key.sign(other)) };
      },
    };
  }

  it('refuses a signer whose signatures do not verify', () => {
    const broken = tamperedSigner((_signature, sign) => sign(new Uint8Array(32).fill(1)));
    expect(kibbleErrorFrom(() => signSettlementTransaction(w.chain, unsigned, broken)).code).toBe('internal');
  });

  it('refuses a high-S signature (not relayed by Dogecoin)', () => {
    const highS = tamperedSigner((signature) => {
      const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
      const flipped = Buffer.from((SECP256K1_ORDER - s).toString(16).padStart(64, '0'), 'hex');
      return Uint8Array.from([...signature.subarray(0, 32), ...flipped]);
    });
    const error = kibbleErrorFrom(() => signSettlementTransaction(w.chain, unsigned, highS));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('low-S');
  });

  it('refuses a signer of another chain', () => {
    const other = createSigner(chainProfile('litecoin'), { mnemonic: MNEMONIC });
    expect(kibbleErrorFrom(() => signSettlementTransaction(w.chain, unsigned, other)).code).toBe('internal');
  });

  it.each<[string, (tx: UnsignedTransaction) => UnsignedTransaction]>([
    ['a fee that is not inputs - outputs', (tx) => ({ ...tx, fee: tx.fee + 1n })],
    ['a worst-case size that does not match the outputs', (tx) => ({ ...tx, worstCaseBytes: tx.worstCaseBytes - 1 })],
    ['an output below dust', (tx) => ({
      ...tx,
      outputs: tx.outputs.map((o, i) => (i === 0 ? { ...o, amount: 1n } : o)),
      fee: tx.fee + (tx.outputs[0]?.amount ?? 0n) - 1n,
    })],
    ['a fee below the rate', (tx) => ({ ...tx, outputs: tx.outputs.map((o, i) => (i === 0 ? { ...o, amount: o.amount + tx.fee } : o)), fee: 0n })],
    ['no inputs', (tx) => ({ ...tx, inputs: [] })],
  ])('refuses %s (internal)', (_name, tamper) => {
    expect(kibbleErrorFrom(() => signSettlementTransaction(w.chain, tamper(unsigned), w.signer)).code).toBe('internal');
  });
});

describe('signSettlementTransaction: a large transaction', () => {
  it('signs over 253 inputs and 253 outputs (3-byte counts) with the same digests as bitcoinjs', () => {
    const w = wallet('dogecoin');
    const { chain } = w;
    const result = buildSettlementTransactions({
      chain,
      payments: Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, address: p2pkhAddress(chain, hash(4, i)), amount: chain.dustThreshold })),
      utxos: Array.from({ length: 400 }, (_, i) => deposit(w, 0, (chain.dustThreshold * 6n) / 5n, i)),
      changeSlot: (txIndex) => ({ address: w.deriver.changeAddress(txIndex), keyPath: { change: 1, index: txIndex } }),
    });
    const [unsigned] = result.transactions;
    expect(result.transactions).toHaveLength(1);
    expect(unsigned?.inputs.length).toBeGreaterThan(253);
    expect(unsigned?.outputs.length).toBeGreaterThan(253);
    checkSigned(w, unsigned as UnsignedTransaction, signSettlementTransaction(chain, unsigned as UnsignedTransaction, w.signer));
  });
});

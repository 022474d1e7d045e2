import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Block, Transaction } from 'bitcoinjs-lib';
import fc from 'fast-check';
import {
  computeMerkleRoot,
  internalOrder,
  measureAuxPow,
  parseBlock,
  parseBlockHeader,
  parseTransaction,
} from '../../../src/chain/block/block-parser';
import { thrownCode } from '../../support/errors';

interface ValidVector {
  file: string;
  height: number;
  versionHex: string;
  auxpow: boolean;
  auxpowBytes: number;
  txCount: number;
  hash: string;
}
interface InvalidVector {
  description: string;
  file: string;
  keepBytes?: number;
  appendHex?: string;
  patch?: { offset: number; hex: string };
  code: string;
}
interface Vectors {
  valid: ValidVector[];
  auxpowPayloads: { file: string; height: number; auxpowBytes: number }[];
  invalid: InvalidVector[];
}

const FIXTURES = join(__dirname, '../../fixtures/dogecoin/blocks');
const vectors = JSON.parse(readFileSync(join(FIXTURES, 'vectors.json'), 'utf8')) as Vectors;
const fixture = (file: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, file)));

function displayMerkleRoot(txids: readonly string[]): string {
  return Buffer.from(computeMerkleRoot(txids.map(internalOrder))).reverse().toString('hex');
}

function buildInvalid(v: InvalidVector): Uint8Array {
  const base = Buffer.from(fixture(v.file).subarray(0, v.keepBytes));
  if (v.patch) Buffer.from(v.patch.hex, 'hex').copy(base, v.patch.offset);
  return Buffer.concat([base, Buffer.from(v.appendHex ?? '', 'hex')]);
}

describe('parseBlock on real Dogecoin mainnet blocks', () => {
  describe.each(vectors.valid)('$file (height $height)', (v) => {
    const bytes = fixture(v.file);
    const block = parseBlock(bytes);

    it('hashes the 80-byte header to the known block hash', () => {
      expect(block.hash).toBe(v.hash);
      expect(parseBlockHeader(bytes).hash).toBe(v.hash);
    });

    it('reads the version and the AuxPoW data by its layout', () => {
      expect(`0x${block.version.toString(16).padStart(8, '0')}`).toBe(v.versionHex);
      expect(block.auxpow).toBe(v.auxpow);
      expect(block.auxpowBytes).toBe(v.auxpowBytes);
    });

    it('finds every transaction, and their txids give the header merkle root', () => {
      expect(block.transactions).toHaveLength(v.txCount);
      expect(displayMerkleRoot(block.transactions.map((t) => t.txid))).toBe(block.merkleRoot);
    });

    it('hashes a txid when it is first read, the same every time, and prints it in JSON', () => {
      const fresh = parseBlock(bytes);
      const last = fresh.transactions[fresh.transactions.length - 1];
      const expected = block.transactions[block.transactions.length - 1]?.txid;
      expect(last?.txid).toBe(expected);
      expect(last?.txid).toBe(expected);
      expect(JSON.parse(JSON.stringify(last, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)))).toMatchObject({ txid: expected });
    });

    it('marks only the first transaction as coinbase', () => {
      expect(block.transactions.map((t) => t.coinbase)).toEqual(
        block.transactions.map((_, i) => i === 0),
      );
    });

    it('agrees with bitcoinjs-lib on header fields and transaction ids', () => {
      const reference = Block.fromBuffer(bytes.subarray(0, 80));
      expect(block.time).toBe(reference.timestamp);
      expect(block.bits).toBe(reference.bits);
      expect(block.nonce).toBe(reference.nonce);
      // bitcoinjs cannot skip AuxPoW, so compare transactions on the plain blocks only.
      if (!v.auxpow) {
        const ids = Block.fromBuffer(bytes).transactions?.map((t) => t.getId());
        expect(block.transactions.map((t) => t.txid)).toEqual(ids);
      }
    });
  });

  it.each(vectors.auxpowPayloads)('measures the AuxPoW payload of block $height', (v) => {
    const bytes = fixture(v.file);
    expect(measureAuxPow(bytes)).toBe(v.auxpowBytes);
    expect(bytes).toHaveLength(v.auxpowBytes);
  });
});

describe('parseBlock on invalid data', () => {
  it.each(vectors.invalid)('rejects $description with $code', (v) => {
    expect(thrownCode(() => parseBlock(buildInvalid(v)))).toBe(v.code);
  });

  it.each(['dogecoin_block250000.bin', 'dogecoin_block371337.bin'])(
    'rejects every truncation of %s with block-invalid',
    (file) => {
      const bytes = fixture(file);
      const unexpected: string[] = [];
      for (let length = 0; length < bytes.length; length++) {
        const code = thrownCode(() => parseBlock(bytes.subarray(0, length)));
        if (code !== 'block-invalid') unexpected.push(`${length}: ${code}`);
      }
      expect(unexpected).toEqual([]);
    },
  );

  it('ignores the 0x100 version bit on chains without AuxPoW (a BIP9 signal bit there)', () => {
    const bytes = Buffer.from(fixture('dogecoin_block250000.bin'));
    bytes[1] = 0x01; // version 0x00000102
    const block = parseBlock(bytes, { auxpow: false });
    expect(block.auxpow).toBe(false);
    expect(block.transactions).toHaveLength(6);
    expect(displayMerkleRoot(block.transactions.map((t) => t.txid))).toBe(block.merkleRoot);
  });

  it('says at which offset the data ran out', () => {
    const bytes = fixture('dogecoin_block1.bin').subarray(0, 100);
    expect(() => parseBlock(bytes)).toThrow(/offset \d+/);
  });
});

describe('transaction parsing against bitcoinjs-lib', () => {
  const bytesArb = (max: number) => fc.uint8Array({ maxLength: max });
  const inputArb = fc.record({
    hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    index: fc.nat({ max: 0xffffffff }),
    sequence: fc.nat({ max: 0xffffffff }),
    script: bytesArb(300),
    witness: fc.array(bytesArb(80), { maxLength: 3 }),
  });
  const outputArb = fc.record({
    value: fc.bigInt({ min: 0n, max: 0x7fffffffffffffffn }),
    script: bytesArb(300),
  });
  // At least one input: a zero-input transaction is ambiguous with the SegWit marker (and invalid).
  const txArb = fc
    .record({
      // bitcoinjs-lib 7 writes the version as unsigned.
      version: fc.nat({ max: 0xffffffff }),
      locktime: fc.nat({ max: 0xffffffff }),
      inputs: fc.array(inputArb, { minLength: 1, maxLength: 4 }),
      outputs: fc.array(outputArb, { maxLength: 4 }),
    })
    .map((spec) => {
      const tx = new Transaction();
      tx.version = spec.version;
      tx.locktime = spec.locktime;
      spec.inputs.forEach((i) => tx.addInput(i.hash, i.index, i.sequence, i.script));
      spec.outputs.forEach((o) => tx.addOutput(o.script, o.value));
      spec.inputs.forEach((i, n) => tx.setWitness(n, i.witness));
      return tx;
    });

  it('gives the same txid, inputs and outputs (legacy and SegWit serializations)', () => {
    fc.assert(
      fc.property(txArb, (tx) => {
        const parsed = parseTransaction(tx.toBuffer());
        expect(parsed.txid).toBe(tx.getId());
        expect(parsed.inputs).toEqual(
          tx.ins.map((i) => ({
            prevTxid: Buffer.from(i.hash).reverse().toString('hex'),
            prevVout: i.index,
            sequence: i.sequence,
          })),
        );
        expect(parsed.outputs.map((o) => [o.value, Buffer.from(o.script).toString('hex')])).toEqual(
          tx.outs.map((o) => [o.value, Buffer.from(o.script).toString('hex')]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('computes the same merkle root as bitcoinjs-lib for blocks of random transactions', () => {
    fc.assert(
      fc.property(fc.array(txArb, { minLength: 1, maxLength: 9 }), (txs) => {
        const header = Buffer.alloc(80);
        const count = Buffer.from([txs.length]);
        const block = parseBlock(Buffer.concat([header, count, ...txs.map((t) => t.toBuffer())]));
        const expected = Buffer.from(Block.calculateMerkleRoot(txs)).toString('hex');
        const got = Buffer.from(computeMerkleRoot(block.transactions.map((t) => internalOrder(t.txid))));
        expect(got.toString('hex')).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});

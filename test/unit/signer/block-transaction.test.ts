import { transactionBytesInBlock } from '../../../src/chain/block/block-parser';
import { COIN } from '../../../src/money/amount';
import { previousTransaction, wallet } from './signer-fixture';

const w = wallet();

/** A block of version 1 (no AuxPoW): an 80-byte header, the count, the transactions. */
function block(txs: Uint8Array[]): Uint8Array {
  const header = Buffer.alloc(80);
  header.writeUInt32LE(1, 0);
  return Buffer.concat([header, Buffer.from([txs.length]), ...txs]);
}

describe('transactionBytesInBlock', () => {
  const txs = [1, 2, 3].map((seed) => previousTransaction(w.chain, seed, w.deriver.depositAddress(seed), BigInt(seed) * COIN, seed));

  test('finds each transaction\'s exact bytes, and nothing for a txid the block does not hold', () => {
    const raw = block(txs.map((tx) => tx.toBuffer()));
    for (const tx of txs) expect(Buffer.from(transactionBytesInBlock(raw, tx.getId(), { auxpow: false }) ?? []).toString('hex')).toBe(tx.toHex());
    expect(transactionBytesInBlock(raw, 'ab'.repeat(32), { auxpow: false })).toBeUndefined();
  });

  test('a truncated block is a block-invalid error, not a wrong answer', () => {
    const raw = block(txs.map((tx) => tx.toBuffer()));
    expect(() => transactionBytesInBlock(raw.subarray(0, raw.length - 5), txs[2]?.getId() ?? '', { auxpow: false })).toThrow(/offset/);
  });
});

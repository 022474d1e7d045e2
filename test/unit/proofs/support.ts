import fc from 'fast-check';
import { Transaction } from 'bitcoinjs-lib';
import type { AllocationInput } from '../../../src/proofs/allocation-tree';
import { commitmentScript } from '../../../src/proofs/commitment';

/** Random allocations of one month: distinct (donor, creator) pairs, amounts from 1 koinu to 2^63. */
export const allocationsArb: fc.Arbitrary<AllocationInput[]> = fc
  .uniqueArray(
    fc.record({
      donor: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `donor-${i}`)),
      creator: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `creator-${i}`)),
      amount: fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 2n ** 63n })),
      salt: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    }),
    { minLength: 1, maxLength: 40, selector: (a) => `${a.donor}|${a.creator}` },
  )
  .map((list) => list.map(({ donor, creator, amount, salt }) => ({ creator, amount, donor: { id: donor, salt } })));

export const periodArb: fc.Arbitrary<string> = fc
  .record({ year: fc.integer({ min: 2000, max: 9999 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}`);

/** A transaction shaped like a settlement: one input, one payment, the commitment. */
export function committingTxHex(period: string, root: Uint8Array): { hex: string; txid: string } {
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.alloc(32, 7), 1);
  tx.addOutput(Buffer.from(`76a914${'33'.repeat(20)}88ac`, 'hex'), 100_000_000n);
  tx.addOutput(commitmentScript(period, root), 0n);
  return { hex: tx.toHex(), txid: tx.getId() };
}

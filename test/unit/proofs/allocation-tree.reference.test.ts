import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { allocationLeaves, allocationLevels, allocationPath, buildAllocationTree, type AllocationInput } from '../../../src/proofs/allocation-tree';
import { sortedOrder } from '../../../src/proofs/flat-hashes';
import { allocationProofJson, creatorProofJson, donorProofJson } from '../../../src/proofs/proof-format';
import { allocationsArb, periodArb } from './support';

/**
 * The fast allocation tree (flat buffers, native key sort, indexes) against a reference written
 * as plainly as docs/proofs.md reads: one object per hash, Buffer.compare to sort, arrays of levels.
 */

function tagged(tag: string, ...parts: Uint8Array[]): Buffer {
  const tagHash = createHash('sha256').update(tag, 'utf8').digest();
  const h = createHash('sha256').update(tagHash).update(tagHash);
  for (const part of parts) h.update(part);
  return h.digest();
}

const prefixed = (text: string): Buffer => Buffer.concat([Buffer.from([text.length]), Buffer.from(text, 'ascii')]);

function referenceTree(period: string, inputs: readonly AllocationInput[]): { leaves: { input: AllocationInput; hash: Buffer }[]; levels: Buffer[][]; root: Buffer } {
  const leaves = inputs.map((input) => {
    const commitment = 'commitment' in input.donor ? Buffer.from(input.donor.commitment) : tagged('kibble/v1/allocation/donor', input.donor.salt, prefixed(input.donor.id), prefixed(input.creator));
    const amount = Buffer.alloc(8);
    amount.writeBigUInt64LE(input.amount);
    return { input, hash: tagged('kibble/v1/allocation/leaf', Buffer.from(period, 'ascii'), prefixed(input.creator), amount, commitment) };
  });
  leaves.sort((a, b) => Buffer.compare(a.hash, b.hash));
  const levels = [leaves.map((leaf) => leaf.hash)];
  while ((levels[levels.length - 1] as Buffer[]).length > 1) {
    const below = levels[levels.length - 1] as Buffer[];
    const above: Buffer[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(i + 1 < below.length ? tagged('kibble/v1/allocation/node', below[i] as Buffer, below[i + 1] as Buffer) : (below[i] as Buffer));
    }
    levels.push(above);
  }
  const count = Buffer.alloc(4);
  count.writeUInt32LE(leaves.length);
  return { leaves, levels, root: tagged('kibble/v1/allocation/root', Buffer.from(period, 'ascii'), count, (levels[levels.length - 1] as Buffer[])[0] as Buffer) };
}

function referencePath(levels: Buffer[][], index: number): Buffer[] {
  const path: Buffer[] = [];
  levels.slice(0, -1).forEach((level, depth) => {
    const partner = (index >> depth) ^ 1;
    if (partner < level.length) path.push(level[partner] as Buffer);
  });
  return path;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Random months, some donors given only as a commitment (a tree rebuilt from published data). */
const monthArb = fc
  .tuple(periodArb, allocationsArb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
  .map(([period, inputs, hidden, seed]) => ({
    period,
    inputs: inputs.map((input, i): AllocationInput => (hidden[i] === true && i % 3 === 0 ? { ...input, donor: { commitment: createHash('sha256').update(seed).update(String(i)).digest() } } : input)),
  }));

describe('the fast allocation tree equals a plain reference', () => {
  it('same leaves in the same order, same levels, same root, same path for every leaf', () => {
    fc.assert(
      fc.property(monthArb, ({ period, inputs }) => {
        const tree = buildAllocationTree(period, inputs);
        const reference = referenceTree(period, inputs);
        expect(hex(tree.root)).toBe(hex(reference.root));
        expect(allocationLevels(tree).map((level) => level.map(hex))).toEqual(reference.levels.map((level) => level.map(hex)));
        expect(allocationLeaves(tree).map((leaf) => [hex(leaf.hash), leaf.creator, leaf.amount])).toEqual(reference.leaves.map(({ input, hash }) => [hex(hash), input.creator, input.amount]));
        reference.leaves.forEach((_, index) => expect(allocationPath(tree, index).map(hex)).toEqual(referencePath(reference.levels, index).map(hex)));
      }),
      { numRuns: 200 },
    );
  });

  it("an account's proof through the index is the proof a scan of every leaf gives", () => {
    fc.assert(
      fc.property(allocationsArb, (inputs) => {
        const tree = buildAllocationTree('2026-11', inputs);
        const txid = 'ab'.repeat(32);
        for (const donor of new Set(inputs.map((input) => ('id' in input.donor ? input.donor.id : '')))) {
          const scanned = allocationProofJson(tree, txid, (leaf) => ('id' in leaf.donor && leaf.donor.id === donor ? 'donor' : 'skip'));
          expect(donorProofJson(tree, txid, donor)).toEqual(scanned);
        }
        for (const creator of new Set(inputs.map((input) => input.creator))) {
          expect(creatorProofJson(tree, txid, creator)).toEqual(allocationProofJson(tree, txid, (leaf) => (leaf.creator === creator ? 'commitment' : 'skip')));
        }
        expect(() => donorProofJson(tree, txid, 'nobody')).toThrow(/no leaf/);
      }),
      { numRuns: 100 },
    );
  });

  it('sortedOrder sorts like Buffer.compare, also when many hashes share their first bytes, and rejects equal hashes', () => {
    // Bytes drawn from a tiny alphabet: long runs share the 4-byte sort key and go through the full comparison.
    const hashesArb = fc.uniqueArray(fc.array(fc.constantFrom(0, 1, 255), { minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 200, selector: (bytes) => bytes.join(',') });
    fc.assert(
      fc.property(hashesArb, (list) => {
        const hashes = Buffer.from(list.flat());
        const order = Array.from(sortedOrder(hashes, () => { throw new Error('no duplicates here'); }));
        const expected = list.map((bytes, index) => ({ bytes: Buffer.from(bytes), index })).sort((a, b) => Buffer.compare(a.bytes, b.bytes)).map(({ index }) => index);
        expect(order).toEqual(expected);
      }),
      { numRuns: 200 },
    );
    const twice = Buffer.concat([Buffer.alloc(32, 9), Buffer.alloc(32, 1), Buffer.alloc(32, 9)]);
    expect(() => sortedOrder(twice, (index) => { throw new Error(`duplicate at ${index}`); })).toThrow(/duplicate at (0|2)/);
  });
});

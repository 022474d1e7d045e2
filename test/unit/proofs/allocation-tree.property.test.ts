import fc from 'fast-check';
import { allocationLeafAt, allocationLeaves, allocationLevels, allocationPath, allocationRootFromPath, buildAllocationTree } from '../../../src/proofs/allocation-tree';
import { bytesEqual, toHex } from '../../../src/proofs/encoding';
import { allocationProofJson, type AllocationProofJson } from '../../../src/proofs/proof-format';
import { verifyAllocationProof } from '../../../src/proofs/verify-allocation-proof';
import { thrownCode } from '../../support/errors';
import { allocationsArb, committingTxHex, periodArb } from './support';

type ProofLeafJson = AllocationProofJson['leaves'][number];

/** One change to a proof that must break it, chosen by fast-check. */
const tamperings: Record<string, (leaf: ProofLeafJson, proof: AllocationProofJson, pick: number) => void> = {
  amount: (leaf, _p, pick) => {
    leaf.amount = (BigInt(leaf.amount) + BigInt(pick % 2 === 0 ? 1 : -1)).toString();
  },
  creator: (leaf) => {
    leaf.creator = `${leaf.creator}x`;
  },
  salt: (leaf, _p, pick) => {
    if ('salt' in leaf.donor) leaf.donor.salt = flipNibble(leaf.donor.salt, pick);
  },
  donorId: (leaf) => {
    if ('id' in leaf.donor) leaf.donor.id = `${leaf.donor.id}x`;
  },
  pathElement: (leaf, proof, pick) => {
    if (leaf.path.length === 0) proof.leafCount += 1; // a one-leaf tree has no path: change its shape instead
    else leaf.path[pick % leaf.path.length] = flipNibble(leaf.path[pick % leaf.path.length] as string, pick);
  },
  period: (_leaf, proof) => {
    proof.period = proof.period === '2000-01' ? '2000-02' : '2000-01';
  },
  root: (_leaf, proof, pick) => {
    proof.root = flipNibble(proof.root, pick);
  },
};

function flipNibble(hex: string, pick: number): string {
  const at = pick % hex.length;
  const nibble = (parseInt(hex[at] as string, 16) ^ (1 + (pick % 15))).toString(16);
  return hex.slice(0, at) + nibble + hex.slice(at + 1);
}

describe('allocation tree (properties)', () => {
  it('every leaf of a random tree has a path to the root, and a full proof verifies against the committing transaction', () => {
    fc.assert(
      fc.property(periodArb, allocationsArb, (period, inputs) => {
        const tree = buildAllocationTree(period, inputs);
        allocationLeaves(tree).forEach((leaf, index) => {
          const root = allocationRootFromPath(period, leaf.hash, index, tree.leafCount, allocationPath(tree, index));
          expect(bytesEqual(root, tree.root)).toBe(true);
        });
        const { hex, txid } = committingTxHex(period, tree.root);
        const verdict = verifyAllocationProof(allocationProofJson(tree, txid, () => 'donor'), hex);
        expect(verdict.valid && verdict.proves.leaves.length).toBe(inputs.length);
      }),
      { numRuns: 150 },
    );
  });

  it('any change to a leaf field, a path element, the salt, the period or the root makes verification fail', () => {
    fc.assert(
      fc.property(periodArb, allocationsArb, fc.constantFrom(...Object.keys(tamperings)), fc.nat(), fc.nat(), (period, inputs, kind, leafPick, pick) => {
        const tree = buildAllocationTree(period, inputs);
        const { hex, txid } = committingTxHex(period, tree.root);
        const proof = allocationProofJson(tree, txid, () => 'donor');
        const leaf = proof.leaves[leafPick % proof.leaves.length] as ProofLeafJson;
        (tamperings[kind] as (typeof tamperings)[string])(leaf, proof, pick);
        const verdict = verifyAllocationProof(proof, hex);
        expect(verdict.valid).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('the root depends on the leaves only, not on the order they are given in', () => {
    fc.assert(
      fc.property(periodArb, allocationsArb.chain((inputs) => fc.tuple(fc.constant(inputs), fc.shuffledSubarray(inputs, { minLength: inputs.length }))), (period, [inputs, shuffled]) => {
        expect(toHex(buildAllocationTree(period, shuffled).root)).toBe(toHex(buildAllocationTree(period, inputs).root));
      }),
    );
  });

  it('one more or one fewer leaf, or another period, gives another root', () => {
    fc.assert(
      fc.property(periodArb, allocationsArb.filter((inputs) => inputs.length >= 2), (period, inputs) => {
        const roots = new Set([
          toHex(buildAllocationTree(period, inputs).root),
          toHex(buildAllocationTree(period, inputs.slice(1)).root),
          toHex(buildAllocationTree(period === '2000-01' ? '2000-02' : '2000-01', inputs).root),
        ]);
        expect(roots.size).toBe(3);
      }),
    );
  });
});

describe('allocation tree (edges)', () => {
  const salt = new Uint8Array(32);
  const leaf = (creator: string, amount = 5n) => ({ creator, amount, donor: { id: 'd', salt } });

  it('refuses an empty month, a duplicate leaf, a zero or negative amount, a bad id or salt', () => {
    expect(thrownCode(() => buildAllocationTree('2026-01', []))).toBe('tree-invalid');
    expect(thrownCode(() => buildAllocationTree('2026-01', [leaf('c'), leaf('c')]))).toBe('tree-invalid');
    expect(thrownCode(() => buildAllocationTree('2026-01', [leaf('c', 0n)]))).toBe('tree-invalid');
    expect(thrownCode(() => buildAllocationTree('2026-01', [leaf('c', -1n)]))).toBe('tree-invalid');
    expect(thrownCode(() => buildAllocationTree('2026-01', [leaf('has space')]))).toBe('tree-invalid');
    expect(thrownCode(() => buildAllocationTree('2026-01', [{ creator: 'c', amount: 1n, donor: { id: 'd', salt: new Uint8Array(31) } }]))).toBe('tree-invalid');
    expect(thrownCode(() => buildAllocationTree('2026-13', [leaf('c')]))).toBe('period-invalid');
  });

  it('carries an odd node up instead of pairing it with itself (CVE-2012-2459)', () => {
    const three = buildAllocationTree('2026-01', [leaf('a'), leaf('b'), leaf('c')]);
    const levels = allocationLevels(three);
    expect(levels.map((level) => level.length)).toEqual([3, 2, 1]);
    expect(levels[1]?.[1]).toEqual(levels[0]?.[2]);
    expect(allocationPath(three, 2)).toHaveLength(1);
  });

  it('a one-leaf tree has an empty path', () => {
    const one = buildAllocationTree('2026-01', [leaf('a')]);
    expect(allocationPath(one, 0)).toEqual([]);
    expect(bytesEqual(allocationRootFromPath('2026-01', allocationLeafAt(one, 0).hash, 0, 1, []), one.root)).toBe(true);
  });
});

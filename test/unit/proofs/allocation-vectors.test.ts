import { allocationLeafBytes, allocationLeaves, allocationLevels, buildAllocationTree } from '../../../src/proofs/allocation-tree';
import { commitmentScript } from '../../../src/proofs/commitment';
import { toHex } from '../../../src/proofs/encoding';
import { creatorProofJson, donorProofJson } from '../../../src/proofs/proof-format';
import { allocationSalt } from '../../../src/proofs/salts';
import { verifyAllocationProof } from '../../../src/proofs/verify-allocation-proof';
import { plainJson, readVectors, units } from '../vector-files';

interface Vectors {
  example: {
    saltSecret: string;
    period: string;
    allocations: { donor: string; creator: string; amount: string }[];
    expected: {
      salts: Record<string, string>;
      leaves: { creator: string; amount: string; donor: string; donorCommitment: string; leafBytes: string; hash: string }[];
      levels: string[][];
      root: string;
      commitmentScript: string;
      rawTx: string;
      txid: string;
    };
  };
  valid: { description: string; proof: unknown; rawTx: string; expected: unknown }[];
  invalid: { description: string; proof: unknown; rawTx: string; code: string; reason: string }[];
}

const vectors = readVectors('proofs/allocation.json') as Vectors;
const { example } = vectors;
const secret = Buffer.from(example.saltSecret, 'hex');
const tree = buildAllocationTree(
  example.period,
  example.allocations.map((a) => ({ creator: a.creator, amount: units(a.amount), donor: { id: a.donor, salt: allocationSalt(secret, example.period, a.donor) } })),
);

describe('the worked example of docs/proofs.md (test/fixtures/proofs/allocation.json)', () => {
  it('derives the salts', () => {
    for (const [donor, salt] of Object.entries(example.expected.salts)) expect(toHex(allocationSalt(secret, example.period, donor))).toBe(salt);
  });

  it('encodes, hashes and orders the leaves', () => {
    const leaves = allocationLeaves(tree).map((leaf) => ({
      creator: leaf.creator,
      amount: leaf.amount.toString(),
      donor: 'id' in leaf.donor ? leaf.donor.id : undefined,
      donorCommitment: toHex(leaf.donorCommitment),
      leafBytes: toHex(allocationLeafBytes(example.period, leaf.creator, leaf.amount, leaf.donorCommitment)),
      hash: toHex(leaf.hash),
    }));
    expect(leaves).toEqual(example.expected.leaves);
  });

  it('builds the levels (the odd fifth leaf carried up) and the root', () => {
    expect(allocationLevels(tree).map((level) => level.map(toHex))).toEqual(example.expected.levels);
    expect(toHex(tree.root)).toBe(example.expected.root);
  });

  it('commits the root in the OP_RETURN script the example transaction carries', () => {
    expect(toHex(commitmentScript(example.period, tree.root))).toBe(example.expected.commitmentScript);
    expect(example.expected.rawTx).toContain(example.expected.commitmentScript);
  });

  it('makes the proofs of the valid vectors', () => {
    const [alice, bob, carol] = vectors.valid;
    expect(donorProofJson(tree, example.expected.txid, 'donor-alice')).toEqual(alice?.proof);
    expect(donorProofJson(tree, example.expected.txid, 'donor-bob')).toEqual(bob?.proof);
    expect(creatorProofJson(tree, example.expected.txid, 'creator-carol')).toEqual(carol?.proof);
  });
});

describe('verifyAllocationProof vectors', () => {
  it.each(vectors.valid)('$description', ({ proof, rawTx, expected }) => {
    const verdict = verifyAllocationProof(proof, rawTx);
    expect(verdict.valid ? plainJson(verdict.proves) : verdict).toEqual(expected);
  });

  it.each(vectors.invalid)('refuses: $description ($code, $reason)', ({ proof, rawTx, code, reason }) => {
    const verdict = verifyAllocationProof(proof, rawTx);
    expect(verdict.valid ? 'valid' : { code: verdict.code, reason: verdict.reason }).toEqual({ code, reason });
  });
});

import fc from 'fast-check';
import { reservesProofJson, verifyReservesProof, type ReservesProofJson } from '../../../src/proofs/reserves-proof';
import { reservesSalt } from '../../../src/proofs/salts';
import { buildSumTree, reservesAccountCommitment } from '../../../src/proofs/sum-tree';
import { toHex } from '../../../src/proofs/encoding';

const SECRET = new Uint8Array(32).fill(3);
const SNAPSHOT = '2026-11';

/** Random liabilities of distinct accounts, with the salts that let each owner see their leaf. */
const snapshotArb = fc
  .uniqueArray(fc.record({ account: fc.stringMatching(/^(donor|creator):[a-z0-9]{1,12}$/), amount: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 2n ** 80n })) }), {
    minLength: 1,
    maxLength: 30,
    selector: (l) => l.account,
  })
  .map((liabilities) => {
    const owners = liabilities.map(({ account, amount }) => ({ account, amount, salt: reservesSalt(SECRET, SNAPSHOT, account) }));
    const tree = buildSumTree(SNAPSHOT, owners.map((o) => ({ commitment: reservesAccountCommitment(o.salt, o.account), amount: o.amount })));
    const ownerOf = new Map(owners.map((o) => [toHex(reservesAccountCommitment(o.salt, o.account)), o]));
    return { tree, ownerAt: (index: number) => ownerOf.get(toHex(tree.leaves[index]?.commitment ?? new Uint8Array())) as { account: string; amount: bigint; salt: Uint8Array } };
  });

const flip = (hex: string): string => (hex[0] === 'a' ? 'b' : 'a') + hex.slice(1);
const tamperings: Record<string, (proof: ReservesProofJson) => void> = {
  amount: (p) => {
    p.leaf.amount = (BigInt(p.leaf.amount) + 1n).toString();
  },
  total: (p) => {
    p.total = (BigInt(p.total) + 1n).toString();
  },
  root: (p) => {
    p.root = flip(p.root);
  },
  snapshot: (p) => {
    p.snapshot = '2026-12';
  },
  pathSum: (p) => {
    const step = p.path[0];
    if (step === undefined) p.leafCount += 1;
    else step.sum = BigInt(step.sum) > 0n ? '0' : '1';
  },
  pathHash: (p) => {
    const step = p.path[p.path.length - 1];
    if (step === undefined) p.leafCount += 1;
    else step.hash = flip(step.hash);
  },
  salt: (p) => {
    if ('salt' in p.leaf) p.leaf.salt = flip(p.leaf.salt);
  },
};

describe('reserves inclusion proofs (properties)', () => {
  it("every account's proof verifies, against the published root and total too, and shows its amount", () => {
    fc.assert(
      fc.property(snapshotArb, ({ tree, ownerAt }) => {
        tree.leaves.forEach((_leaf, index) => {
          const owner = ownerAt(index);
          const verdict = verifyReservesProof(reservesProofJson(tree, index, owner), { root: toHex(tree.root.hash), total: tree.root.sum });
          expect(verdict).toEqual({ valid: true, proves: { snapshot: SNAPSHOT, root: toHex(tree.root.hash), total: tree.root.sum, account: owner.account, amount: owner.amount } });
        });
      }),
      { numRuns: 60 },
    );
  });

  it('any change to the amount, the salt, a path sum or hash, the total, the root or the snapshot fails', () => {
    fc.assert(
      fc.property(snapshotArb, fc.nat(), fc.constantFrom(...Object.keys(tamperings)), ({ tree, ownerAt }, pick, kind) => {
        const index = pick % tree.leaves.length;
        const proof = reservesProofJson(tree, index, ownerAt(index));
        (tamperings[kind] as (p: ReservesProofJson) => void)(proof);
        expect(verifyReservesProof(proof).valid).toBe(false);
      }),
    );
  });
});

describe('reserves inclusion proofs (refusals)', () => {
  const salt = reservesSalt(SECRET, SNAPSHOT, 'donor:a');
  const tree = buildSumTree(SNAPSHOT, [
    { commitment: reservesAccountCommitment(salt, 'donor:a'), amount: 10n },
    { commitment: new Uint8Array(32).fill(5), amount: 20n },
  ]);
  const index = tree.leaves.findIndex((leaf) => leaf.amount === 10n);
  const good = reservesProofJson(tree, index, { account: 'donor:a', salt });

  it('a negative sum on the path is not even a proof', () => {
    const proof = { ...good, path: good.path.map((node) => ({ ...node, sum: '-20' })) };
    expect(verifyReservesProof(proof)).toMatchObject({ valid: false, code: 'proof-invalid' });
  });

  it('a proof of another snapshot than the published one fails', () => {
    expect(verifyReservesProof(good, { root: toHex(tree.root.hash), total: tree.root.sum + 1n })).toMatchObject({ valid: false, code: 'proof-mismatch', reason: 'root-mismatch' });
  });

  it('a proof without the owner shows the commitment only; the owner must match the leaf', () => {
    const anonymous = reservesProofJson(tree, index);
    expect(anonymous.leaf).toEqual({ commitment: toHex(reservesAccountCommitment(salt, 'donor:a')), amount: '10' });
    expect(verifyReservesProof(anonymous)).toMatchObject({ valid: true, proves: { amount: 10n, total: 30n } });
    expect(() => reservesProofJson(tree, index, { account: 'donor:b', salt })).toThrow(/not the account/);
  });
});

import fc from 'fast-check';
import { toHex } from '../../../src/proofs/encoding';
import { reservesSalt } from '../../../src/proofs/salts';
import { buildSumTree, checkSumTree, reservesAccountCommitment, sumLeaf, sumNode, sumPath, sumRootFromPath, type LiabilityInput, type SumNode } from '../../../src/proofs/sum-tree';
import { isKibbleError } from '../../../src/errors';
import { readVectors } from '../vector-files';
import { thrownCode } from '../../support/errors';

const liabilitiesArb: fc.Arbitrary<LiabilityInput[]> = fc.uniqueArray(
  fc.record({
    commitment: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    amount: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 2n ** 70n })),
  }),
  { maxLength: 30, selector: (l) => toHex(l.commitment) },
);

function reasonOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return isKibbleError(error) ? `${error.code}/${String(error.details?.['reason'])}` : String(error);
  }
}

const sameNode = (a: SumNode, b: SumNode): boolean => toHex(a.hash) === toHex(b.hash) && a.sum === b.sum;

describe('Merkle-sum tree (properties)', () => {
  it('the total is the sum of the leaves, the published levels check out, and every leaf path leads to the root', () => {
    fc.assert(
      fc.property(liabilitiesArb, (inputs) => {
        const tree = buildSumTree('2026-11', inputs);
        expect(tree.root.sum).toBe(inputs.reduce((sum, l) => sum + l.amount, 0n));
        expect(sameNode(checkSumTree('2026-11', tree.levels), tree.root)).toBe(true);
        tree.leaves.forEach((leaf, index) => {
          expect(sameNode(sumRootFromPath('2026-11', leaf, index, tree.leaves.length, sumPath(tree, index)), tree.root)).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('any changed node (hash or sum) in the published levels is found inconsistent', () => {
    fc.assert(
      fc.property(liabilitiesArb.filter((l) => l.length >= 2), fc.nat(), fc.nat(), fc.boolean(), (inputs, levelPick, nodePick, changeSum) => {
        const tree = buildSumTree('2026-11', inputs);
        const levels = tree.levels.map((level) => level.map((node) => ({ ...node })));
        const level = levels[1 + (levelPick % (levels.length - 1))] as SumNode[]; // an inner node: a changed leaf is a different tree
        const node = level[nodePick % level.length] as SumNode;
        if (changeSum) node.sum += 1n;
        else node.hash = Uint8Array.from(node.hash, (byte, i) => (i === 0 ? byte ^ 1 : byte));
        expect(reasonOf(() => checkSumTree('2026-11', levels))).toBe('tree-invalid/inconsistent-node');
      }),
    );
  });

  it('a changed leaf amount, or a changed sum or hash on the path, leads to another root', () => {
    fc.assert(
      fc.property(liabilitiesArb.filter((l) => l.length >= 2), fc.nat(), fc.nat(), fc.constantFrom('amount', 'sum', 'hash'), (inputs, leafPick, stepPick, kind) => {
        const tree = buildSumTree('2026-11', inputs);
        const index = leafPick % tree.leaves.length;
        const leaf = { ...(tree.leaves[index] as LiabilityInput) };
        const path = sumPath(tree, index).map((node) => ({ ...node }));
        const step = path[stepPick % path.length] as SumNode;
        if (kind === 'amount') leaf.amount += 1n;
        else if (kind === 'sum') step.sum += 1n;
        else step.hash = Uint8Array.from(step.hash, (byte, i) => (i === 31 ? byte ^ 0x80 : byte));
        expect(sameNode(sumRootFromPath('2026-11', leaf, index, tree.leaves.length, path), tree.root)).toBe(false);
      }),
    );
  });
});

describe('Merkle-sum tree (refusals)', () => {
  const commitment = (n: number) => new Uint8Array(32).fill(n);

  it('refuses a negative leaf amount', () => {
    expect(reasonOf(() => buildSumTree('s', [{ commitment: commitment(1), amount: 5n }, { commitment: commitment(2), amount: -1n }]))).toBe('tree-invalid/negative-amount');
  });

  it('refuses a path whose sibling carries a negative sum (it would hide a liability)', () => {
    const tree = buildSumTree('s', [{ commitment: commitment(1), amount: 5n }, { commitment: commitment(2), amount: 7n }]);
    const leaf = tree.leaves[0] as LiabilityInput;
    const path = sumPath(tree, 0).map((node) => ({ ...node, sum: -7n }));
    expect(reasonOf(() => sumRootFromPath('s', leaf, 0, 2, path))).toBe('tree-invalid/negative-amount');
    expect(reasonOf(() => sumNode(sumLeaf(leaf), { hash: commitment(3), sum: -1n }))).toBe('tree-invalid/negative-amount');
  });

  it('refuses a published tree with a negative node even when its parent adds up', () => {
    const a = sumLeaf({ commitment: commitment(1), amount: 10n });
    const negative = { hash: commitment(9), sum: -4n };
    expect(reasonOf(() => checkSumTree('s', [[a, negative], [{ hash: commitment(0), sum: 6n }]]))).toBe('tree-invalid/negative-amount');
  });

  it('refuses levels of the wrong shape, a duplicate leaf, a path of the wrong length', () => {
    const tree = buildSumTree('s', [{ commitment: commitment(1), amount: 5n }, { commitment: commitment(2), amount: 7n }, { commitment: commitment(3), amount: 1n }]);
    expect(reasonOf(() => checkSumTree('s', tree.levels.slice(0, 2)))).toBe('tree-invalid/inconsistent-node');
    expect(reasonOf(() => buildSumTree('s', [{ commitment: commitment(1), amount: 5n }, { commitment: commitment(1), amount: 5n }]))).toBe('tree-invalid/duplicate-leaf');
    expect(reasonOf(() => sumRootFromPath('s', tree.leaves[0] as LiabilityInput, 0, 3, []))).toBe('proof-mismatch/path-length');
  });

  it('an empty snapshot owes nothing', () => {
    const tree = buildSumTree('s', []);
    expect(tree.root.sum).toBe(0n);
    expect(sameNode(checkSumTree('s', tree.levels), tree.root)).toBe(true);
  });

  it('account commitments need a 32-byte salt and a valid id', () => {
    expect(thrownCode(() => reservesAccountCommitment(new Uint8Array(16), 'donor:x'))).toBe('tree-invalid');
    expect(thrownCode(() => reservesAccountCommitment(new Uint8Array(32), ''))).toBe('tree-invalid');
  });
});

interface ReservesVectors {
  example: {
    saltSecret: string;
    snapshot: string;
    liabilities: { account: string; amount: string }[];
    expected: {
      salts: Record<string, string>;
      leaves: { commitment: string; amount: string; hash: string }[];
      levels: { hash: string; sum: string }[][];
      paths: { hash: string; sum: string }[][];
      root: { hash: string; sum: string };
    };
  };
}

describe('the worked sum-tree example of docs/proofs.md (test/fixtures/proofs/reserves.json)', () => {
  const { example } = readVectors('proofs/reserves.json') as ReservesVectors;
  const secret = Buffer.from(example.saltSecret, 'hex');
  const tree = buildSumTree(
    example.snapshot,
    example.liabilities.map((l) => ({ commitment: reservesAccountCommitment(reservesSalt(secret, example.snapshot, l.account), l.account), amount: BigInt(l.amount) })),
  );
  const node = (n: SumNode) => ({ hash: toHex(n.hash), sum: n.sum.toString() });

  it('derives the salts, leaves, levels, paths and root', () => {
    for (const [account, salt] of Object.entries(example.expected.salts)) expect(toHex(reservesSalt(secret, example.snapshot, account))).toBe(salt);
    expect(tree.leaves.map((l) => ({ commitment: toHex(l.commitment), amount: l.amount.toString(), hash: toHex(l.hash) }))).toEqual(example.expected.leaves);
    expect(tree.levels.map((level) => level.map(node))).toEqual(example.expected.levels);
    expect(tree.leaves.map((_l, i) => sumPath(tree, i).map(node))).toEqual(example.expected.paths);
    expect(node(tree.root)).toEqual(example.expected.root);
  });
});

import fc from 'fast-check';
import { findForkHeight } from '../../../src/chain/block/fork-point';
import { rejectedCode } from '../../support/errors';

/**
 * Two chains as arrays of hashes by height: the store's and the node's. They share every block up
 * to `fork` and differ above it; the node's may be shorter or longer than the store's.
 */
function chains(spec: { storedTip: number; nodeTip: number; fork: number; lowest?: number }) {
  const lowest = spec.lowest ?? 0;
  const stored = new Map<number, string>();
  const node = new Map<number, string>();
  for (let h = lowest; h <= spec.storedTip; h++) stored.set(h, h <= spec.fork ? `common-${h}` : `stored-${h}`);
  for (let h = 0; h <= spec.nodeTip; h++) node.set(h, h <= spec.fork ? `common-${h}` : `node-${h}`);
  const nodeCalls: number[] = [];
  return {
    stored,
    nodeCalls,
    storedHashes: (height: number) => stored.get(height),
    nodeHashes: async (height: number) => {
      nodeCalls.push(height);
      return node.get(height);
    },
  };
}

const vectors = [
  { name: 'no reorg: the tip itself agrees', storedTip: 100, nodeTip: 100, fork: 100, expected: 100, maxCalls: 1 },
  { name: 'one block replaced', storedTip: 100, nodeTip: 100, fork: 99, expected: 99, maxCalls: 2 },
  { name: 'two blocks replaced by three', storedTip: 100, nodeTip: 101, fork: 98, expected: 98, maxCalls: 4 },
  { name: 'node chain now shorter than ours', storedTip: 100, nodeTip: 97, fork: 95, expected: 95, maxCalls: 6 },
  { name: 'deep: 1,000 blocks', storedTip: 5_000, nodeTip: 5_000, fork: 4_000, expected: 4_000, maxCalls: 22 },
  { name: 'fork exactly at the lowest known height', storedTip: 50, nodeTip: 60, fork: 10, lowest: 10, expected: 10, maxCalls: 14 },
] as const;

describe('findForkHeight', () => {
  it.each(vectors)('$name -> $expected', async (v) => {
    const c = chains(v);
    const lowest = 'lowest' in v ? v.lowest : 0;
    await expect(findForkHeight(c.storedHashes, c.nodeHashes, v.storedTip, lowest)).resolves.toBe(v.expected);
    expect(c.nodeCalls.length).toBeLessThanOrEqual(v.maxCalls);
  });

  it('throws reorg-too-deep when nothing agrees down to the lowest known height', async () => {
    const c = chains({ storedTip: 1_000, nodeTip: 1_000, fork: 499, lowest: 500 });
    expect(await rejectedCode(findForkHeight(c.storedHashes, c.nodeHashes, 1_000, 500))).toBe('reorg-too-deep');
    // Galloping: a node on another chain costs a few dozen lookups, not one per stored block.
    expect(c.nodeCalls.length).toBeLessThanOrEqual(12);
    expect(c.nodeCalls).toContain(500);
  });

  it('treats a height the store lacks as disagreeing and answers a lower common height', async () => {
    const c = chains({ storedTip: 100, nodeTip: 100, fork: 90 });
    c.stored.delete(89);
    c.stored.delete(90);
    const fork = await findForkHeight(c.storedHashes, c.nodeHashes, 100, 0);
    expect(fork).toBeLessThan(89);
    expect(c.stored.get(fork)).toBe(`common-${fork}`);
  });

  it.each([
    ['fromHeight below lowestKnownHeight', 5, 6],
    ['a negative height', 5, -1],
    ['a fractional height', 5.5, 0],
    ['NaN', Number.NaN, 0],
  ])('refuses %s with internal', async (_name, from, lowest) => {
    const c = chains({ storedTip: 10, nodeTip: 10, fork: 10 });
    expect(await rejectedCode(findForkHeight(c.storedHashes, c.nodeHashes, from, lowest))).toBe('internal');
  });

  it('finds what a block-by-block walk finds (or fails alike), with logarithmically many lookups', async () => {
    // fork = lowest - 1 stands for chains with nothing in common down to the lowest known height.
    const arb = fc
      .record({ lowest: fc.nat(50), span: fc.nat(3_000), nodeExtra: fc.integer({ min: -20, max: 20 }) })
      .chain(({ lowest, span, nodeExtra }) =>
        fc.integer({ min: lowest - 1, max: lowest + span }).map((fork) => ({
          lowest,
          storedTip: lowest + span,
          nodeTip: Math.max(fork, 0, lowest + span + nodeExtra),
          fork,
        })),
      );
    await fc.assert(
      fc.asyncProperty(arb, async (spec) => {
        const c = chains(spec);
        const walk = async (): Promise<number | 'reorg-too-deep'> => {
          for (let h = spec.storedTip; h >= spec.lowest; h--) {
            if (c.storedHashes(h) === (await c.nodeHashes(h))) return h;
          }
          return 'reorg-too-deep';
        };
        const expected = await walk();
        c.nodeCalls.length = 0;
        const found = findForkHeight(c.storedHashes, c.nodeHashes, spec.storedTip, spec.lowest);
        if (expected === 'reorg-too-deep') expect(await rejectedCode(found)).toBe(expected);
        else await expect(found).resolves.toBe(expected);
        const depth = spec.storedTip - (expected === 'reorg-too-deep' ? spec.lowest : expected);
        expect(c.nodeCalls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(depth + 1)) + 2);
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { isKibbleError } from '../../../src/errors';
import { verifyReservesProof, reservesProofJson } from '../../../src/proofs/reserves-proof';
import { leafIndexOf, liabilitiesFromBalances, publishedReserves, publishedReservesSchema, reservesTree } from '../../../src/proofs/reserves-snapshot';
import { reservesSalt } from '../../../src/proofs/salts';

const SECRET = new Uint8Array(32).fill(9);

function refusal(balances: Array<[string, bigint]>): string {
  try {
    liabilitiesFromBalances(new Map(balances));
  } catch (error) {
    if (isKibbleError(error, 'reserves-refused')) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('liabilities from the ledger balances', () => {
  it('takes donor balances, creator amounts owed and the unpaid fee above zero, and checks them against custody', () => {
    const { liabilities, total } = liabilitiesFromBalances(
      new Map([
        ['donor:a', 500n],
        ['donor:b', 0n],
        ['creator:c', 300n],
        ['platform:fees', 20n],
        ['custody', -820n],
      ]),
    );
    expect(liabilities).toEqual([
      { account: 'creator:c', amount: 300n },
      { account: 'donor:a', amount: 500n },
      { account: 'platform:fees', amount: 20n },
    ]);
    expect(total).toBe(820n);
  });

  it('refuses a total that is not what custody holds, a negative balance, and an account of another kind', () => {
    expect(refusal([['donor:a', 500n], ['custody', -499n]])).toContain("the liabilities total 500, but the ledger's custody says 499");
    expect(refusal([['donor:a', -5n], ['creator:c', 10n], ['custody', -5n]])).toContain('donor:a has a negative balance');
    expect(refusal([['chain:fees', 7n], ['custody', -7n]])).toContain('chain:fees');
  });

  it('an empty ledger is an empty snapshot (total 0)', () => {
    const { liabilities, total } = liabilitiesFromBalances(new Map());
    expect({ liabilities, total }).toEqual({ liabilities: [], total: 0n });
    expect(reservesTree('h1', SECRET, liabilities).root.sum).toBe(0n);
  });
});

describe('the snapshot tree and the published document', () => {
  it('gives every account a proof that verifies against the published root and total', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 500 }), amount: fc.bigInt({ min: 1n, max: 2n ** 70n }) }), { minLength: 1, maxLength: 25, selector: (x) => x.id }), (rows) => {
        const liabilities = rows.map(({ id, amount }) => ({ account: `donor:${id}`, amount }));
        const tree = reservesTree('2026-11', SECRET, liabilities);
        const published = publishedReserves({ snapshot: '2026-11', chain: 'dogecoin', takenAt: new Date(0), height: 7, outputs: [] }, tree);
        expect(publishedReservesSchema.safeParse(published).success).toBe(true);
        for (const { account, amount } of liabilities) {
          const index = leafIndexOf(tree, SECRET, account) as number;
          const proof = reservesProofJson(tree, index, { account, salt: reservesSalt(SECRET, '2026-11', account) });
          const verdict = verifyReservesProof(proof, { root: published.liabilities.root, total: BigInt(published.liabilities.total) });
          expect(verdict).toMatchObject({ valid: true, proves: { account, amount } });
        }
        expect(leafIndexOf(tree, SECRET, 'donor:absent')).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });

  it('lists the outputs in block order with their total, amounts as smallest units', () => {
    const tree = reservesTree('h9', SECRET, [{ account: 'donor:a', amount: 5n }]);
    const published = publishedReserves(
      {
        snapshot: 'h9',
        chain: 'dogecoin',
        takenAt: new Date('2026-12-01T00:00:00Z'),
        height: 9,
        outputs: [
          { txid: 'bb'.repeat(32), vout: 1, address: 'D-b', amount: 7n, height: 8 },
          { txid: 'aa'.repeat(32), vout: 0, address: 'D-a', amount: 3n, height: 2 },
        ],
      },
      tree,
    );
    expect(published.outputs.map((output) => [output.height, output.amount])).toEqual([[2, '3'], [8, '7']]);
    expect(published).toMatchObject({ kind: 'kibble-reserves', version: 1, outputsTotal: '10', liabilities: { total: '5', leafCount: 1 }, signatures: [] });
  });
});

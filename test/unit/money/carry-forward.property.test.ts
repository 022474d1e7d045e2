import fc from 'fast-check';
import {
  balanceFrom,
  balancesFrom,
  carryForward,
  closingDifferences,
  journalImbalances,
  sumByAccount,
  total,
  type JournalLine,
} from '../../../src/money/carry-forward';
import { auditLedger, emptyTally, tallyEntry } from '../../../src/money/ledger-audit';

/**
 * A random ledger history: books of balanced journals over a small pool of accounts (so accounts
 * often go back to zero), amounts from single koinu to beyond 2^53. The closings carried book by
 * book must give every account the sum of all its entries.
 */
const ACCOUNTS = ['donor:a', 'donor:b', 'donor:c', 'creator:x', 'creator:y', 'platform:fees', 'custody'];
const amountArb = fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 2n ** 60n }));

/** A balanced journal: one line per distinct account, the last line balancing the others. */
const journalArb = (id: string): fc.Arbitrary<JournalLine[]> =>
  fc
    .record({ accounts: fc.shuffledSubarray(ACCOUNTS, { minLength: 2, maxLength: 4 }), amounts: fc.array(amountArb, { minLength: 3, maxLength: 3 }), signs: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) })
    .map(({ accounts, amounts, signs }) => {
      const lines = accounts.slice(0, -1).map((account, i) => ({ journalId: id, account, amount: signs[i % 3] ? (amounts[i % 3] ?? 1n) : -(amounts[i % 3] ?? 1n) }));
      lines.push({ journalId: id, account: accounts[accounts.length - 1] ?? 'custody', amount: -total(lines.map((line) => line.amount)) });
      return lines;
    });

const bookArb = (book: number): fc.Arbitrary<JournalLine[]> =>
  fc.integer({ min: 0, max: 6 }).chain((n) => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, j) => journalArb(`b${book}:j${j}`))).map((journals) => journals.flat())));

const historyArb = fc.integer({ min: 1, max: 8 }).chain((books) => fc.tuple(...Array.from({ length: books }, (_, i) => bookArb(i))));

function carryAll(books: readonly JournalLine[][]): Array<Map<string, bigint>> {
  const closings: Array<Map<string, bigint>> = [];
  let previous = new Map<string, bigint>();
  for (const book of books) {
    previous = carryForward(previous, book);
    closings.push(previous);
  }
  return closings;
}

describe('carry-forward arithmetic (closing balances)', () => {
  it('the last closings plus the entries since equal the sum of every entry, for every account and any cut', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), (books, cutSeed) => {
        const cut = cutSeed % (books.length + 1); // books before the cut are closed, the rest are "since"
        const closings = carryAll(books.slice(0, cut));
        const last = closings[closings.length - 1] ?? new Map<string, bigint>();
        const since = books.slice(cut).flat();
        const full = sumByAccount(books.flat());
        const fast = balancesFrom(last, since);
        expect(closingDifferences(full, fast).filter((row) => row.expected !== (row.stored ?? 0n))).toEqual([]);
        for (const account of ACCOUNTS) {
          const closing = last.get(account) ?? 0n;
          expect(balanceFrom(closing, since.filter((line) => line.account === account))).toBe(full.get(account) ?? 0n);
        }
      }),
    );
  });

  it('each book closes with every non-zero balance and every account it moved, summing to zero', () => {
    fc.assert(
      fc.property(historyArb, (books) => {
        let running = new Map<string, bigint>();
        for (const [i, closings] of carryAll(books).entries()) {
          running = balancesFrom(running, books[i] ?? []);
          expect(total(closings.values())).toBe(0n);
          for (const [account, amount] of running) if (amount !== 0n) expect(closings.get(account)).toBe(amount);
          for (const line of books[i] ?? []) expect(closings.get(line.account)).toBe(running.get(line.account));
          for (const account of closings.keys()) expect(running.has(account)).toBe(true);
        }
      }),
    );
  });

  it('closing two books one after the other equals closing their entries as one book', () => {
    fc.assert(
      fc.property(bookArb(1), bookArb(2), bookArb(3), (first, second, third) => {
        const start = carryForward(new Map(), first);
        const stepwise = carryForward(carryForward(start, second), third);
        const atOnce = carryForward(start, [...second, ...third]);
        expect(closingDifferences(atOnce, stepwise).filter((row) => row.expected !== (row.stored ?? 0n))).toEqual([]);
      }),
    );
  });

  it('finds the journals that do not balance, and only those', () => {
    fc.assert(
      fc.property(bookArb(1), fc.bigInt({ min: 1n, max: 2n ** 60n }), (book, skew) => {
        expect(journalImbalances(book).size).toBe(0);
        const [first, ...rest] = book;
        if (first === undefined) return;
        const broken = [{ ...first, amount: first.amount + skew }, ...rest];
        expect([...journalImbalances(broken)]).toEqual([[first.journalId, skew]]);
      }),
    );
  });

  it('the full audit of a consistent history finds nothing, and names a corrupted closing', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.bigInt({ min: 1n, max: 1000n }), (books, pick, skew) => {
        const tally = emptyTally();
        books.forEach((book, i) => book.forEach((line) => tallyEntry(tally, { ...line, book: `2025-${String(i + 1).padStart(2, '0')}` })));
        const periods = books.map((_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
        const closings = new Map(carryAll(books).map((closing, i) => [periods[i] ?? '', closing]));
        const input = { tally, books: periods.map((period) => ({ period, state: 'closed' })), closings, fastBalances: sumByAccount(books.flat()) };
        expect(auditLedger(input).differences).toEqual([]);

        const withClosings = [...closings].filter(([, closing]) => closing.size > 0);
        const target = withClosings[pick % Math.max(withClosings.length, 1)];
        if (target === undefined) return;
        const [period, closing] = target;
        const [account, amount] = [...closing][pick % closing.size] ?? ['', 0n];
        const corrupted = new Map(closings).set(period, new Map(closing).set(account, amount + skew));
        const report = auditLedger({ ...input, closings: corrupted });
        expect(report.consistent).toBe(false);
        expect(report.differences).toEqual([expect.stringContaining(`ledger book ${period}: closing of ${account}`)]);
      }),
    );
  });
});

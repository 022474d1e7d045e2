import { formatCoins } from './amount';
import { closingDifferences, type JournalLine } from './carry-forward';

/**
 * The full audit of the ledger (`kibble audit --full`), as plain data: every entry is tallied
 * once, then every journal must balance, every closed book's closings must equal the sum of all
 * entries up to that book, and the fast balances (closings + entries since) must equal the sums of
 * all entries.
 */
export interface LedgerTally {
  entries: number;
  /** Entries in no book yet. */
  unbooked: number;
  /** Sum of each journal's entries. */
  journals: Map<string, bigint>;
  /** Sum per account of the entries of each book (null: in no book yet). */
  byBook: Map<string | null, Map<string, bigint>>;
}

export function emptyTally(): LedgerTally {
  return { entries: 0, unbooked: 0, journals: new Map(), byBook: new Map() };
}

export function tallyEntry(tally: LedgerTally, entry: JournalLine & { book: string | null }): void {
  tally.entries += 1;
  if (entry.book === null) tally.unbooked += 1;
  tally.journals.set(entry.journalId, (tally.journals.get(entry.journalId) ?? 0n) + entry.amount);
  let book = tally.byBook.get(entry.book);
  if (book === undefined) tally.byBook.set(entry.book, (book = new Map<string, bigint>()));
  book.set(entry.account, (book.get(entry.account) ?? 0n) + entry.amount);
}

export interface AuditInput {
  tally: LedgerTally;
  /** Every ledger book, any order. */
  books: ReadonlyArray<{ period: string; state: string }>;
  /** Stored closings per book, per account. */
  closings: ReadonlyMap<string, ReadonlyMap<string, bigint>>;
  /** The balances as kibble reads them every day (last closings + entries since), every account. */
  fastBalances: ReadonlyMap<string, bigint>;
}

export interface AuditSummary {
  entries: number;
  journals: number;
  accounts: number;
  books: number;
  closedBooks: number;
  closings: number;
  entriesInNoBook: number;
}

export interface AuditReport {
  consistent: boolean;
  summary: AuditSummary;
  /** Every difference found, each a sentence; the CLI prints the first ones. */
  differences: string[];
}

export function auditLedger(input: AuditInput): AuditReport {
  const { tally, closings, fastBalances } = input;
  const books = [...input.books].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  const differences: string[] = [];
  const coins = formatCoins;

  for (const [journalId, sum] of tally.journals) if (sum !== 0n) differences.push(`journal ${journalId} sums to ${coins(sum)}, not zero`);

  const known = new Set(books.map((book) => book.period));
  for (const book of tally.byBook.keys()) if (book !== null && !known.has(book)) differences.push(`entries are booked into ledger book ${book}, which does not exist`);
  for (const book of closings.keys()) if (!known.has(book)) differences.push(`closings exist for ledger book ${book}, which does not exist`);

  const running = new Map<string, bigint>();
  for (const [index, book] of books.entries()) {
    const moved = tally.byBook.get(book.period) ?? new Map<string, bigint>();
    for (const [account, amount] of moved) running.set(account, (running.get(account) ?? 0n) + amount);
    if (book.state !== 'closed') {
      if (index !== books.length - 1) differences.push(`ledger book ${book.period} is ${book.state}, yet a later book exists`);
      continue;
    }
    const expected = new Map<string, bigint>();
    for (const [account, amount] of running) if (amount !== 0n || moved.has(account)) expected.set(account, amount);
    for (const row of closingDifferences(expected, closings.get(book.period) ?? new Map())) {
      differences.push(`ledger book ${book.period}: closing of ${row.account} is ${row.stored === null ? 'missing' : coins(row.stored)}, the sum of its entries up to that book is ${coins(row.expected)}`);
    }
  }

  const full = new Map<string, bigint>();
  for (const moved of tally.byBook.values()) for (const [account, amount] of moved) full.set(account, (full.get(account) ?? 0n) + amount);
  let sum = 0n;
  for (const amount of full.values()) sum += amount;
  if (sum !== 0n) differences.push(`all entries together sum to ${coins(sum)}, not zero`);
  for (const account of [...new Set([...full.keys(), ...fastBalances.keys()])].sort()) {
    const want = full.get(account) ?? 0n;
    const read = fastBalances.get(account) ?? 0n;
    if (want !== read) differences.push(`balance of ${account} reads ${coins(read)} from its closing and the entries since, but its entries sum to ${coins(want)}`);
  }

  return {
    consistent: differences.length === 0,
    summary: {
      entries: tally.entries,
      journals: tally.journals.size,
      accounts: full.size,
      books: books.length,
      closedBooks: books.filter((book) => book.state === 'closed').length,
      closings: [...closings.values()].reduce((count, book) => count + book.size, 0),
      entriesInNoBook: tally.unbooked,
    },
    differences,
  };
}

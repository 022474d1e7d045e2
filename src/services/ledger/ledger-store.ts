import { Types } from 'mongoose';
import { forEachChunk } from '../../db/chunks';
import { isDuplicateKeyError } from '../../db/errors';
import { insertBuilt } from '../../db/insert-built';
import { LedgerEntryModel } from '../../db/ledger-entry';
import type { JournalLine } from '../../money/carry-forward';
import { assertBalancedJournal, ledgerEntryId, type Journal } from '../../money/ledger';
import { PERIOD_PATTERN } from '../../money/period';
import { prefixRange, type PrefixRange } from './prefix-range';

// The one module that reads and writes `ledger_entries` (owners.md). Entries are written once
// and never changed, except their `book`, which the closing of a book sets once, from absent
// (or which they are written with: a month's allocation journal goes straight into its book).

/**
 * Writes a journal once. Entries are keyed by `ledgerEntryId(journalId, account)`, their `_id`, so
 * a repeated or resumed write inserts only what is missing; no multi-document transaction needed.
 */
export async function recordJournal(journal: Journal, at: Date, options: BookingOptions = {}): Promise<void> {
  await recordJournals([journal], at, options);
}

export interface BookingOptions {
  /**
   * The book the entries belong to, for a writer that knows that book closes after this write and
   * not before (the settlement's allocation journal, written just before its month's book
   * closes). Written with it, the close need not update them: on FerretDB every update of one
   * entry reads the whole collection, which made closing a large month quadratic.
   */
  book?: string;
}

/**
 * Writes many journals: their entries in unordered inserts of up to JOURNAL_CHUNK_LINES entries,
 * a few at a time (db/chunks.ts). A month's allocation journal has a line per donor and creator:
 * in one insert it ran past DocumentDB's 60 s command timeout on a loaded machine. Every journal
 * is validated before anything is written; entries that exist already (a repeated or resumed
 * write) are skipped, the others are inserted all the same. A write that fails part-way leaves
 * some entries of a journal, as an unordered insert always could: its caller writes it again
 * before going on (the scanner before moving its cursor, the settlement before moving its state).
 */
export async function recordJournals(journals: readonly Journal[], at: Date, options: BookingOptions = {}): Promise<void> {
  for (const journal of journals) {
    assertBalancedJournal(journal);
    assertPeriod(`journal ${journal.id}'s period`, journal.period);
  }
  assertPeriod('the book', options.book);
  const legacy = await legacyEntryIds(journals.map((journal) => journal.id));
  const docs = journals.flatMap((journal) =>
    journal.lines.map((line) => ({
      _id: ledgerEntryId(journal.id, line.account),
      journalId: journal.id,
      account: line.account,
      amount: line.amount,
      kind: journal.kind,
      ...(journal.period === undefined ? {} : { period: journal.period }),
      ...(options.book === undefined ? {} : { book: options.book }),
      createdAt: at,
    })),
  ).filter((doc) => !legacy.has(doc._id));
  await forEachChunk(docs, { size: JOURNAL_CHUNK_LINES, concurrency: JOURNAL_CHUNK_CONCURRENCY }, async (chunk) => {
    try {
      // As built (db/insert-built.ts): complete documents of checked journals (above), not cast
      // and validated by mongoose one by one, which cost the scanner more CPU than the driver's
      // insert (docs/benchmarks.md).
      await insertBuilt(LedgerEntryModel, chunk);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  });
}

/** The schema's check of `period` and `book`, which inserts as built skip. */
function assertPeriod(what: string, period: string | undefined): void {
  if (period !== undefined && !PERIOD_PATTERN.test(period)) throw new Error(`${what} ${JSON.stringify(period)} is not a period YYYY-MM`);
}

const JOURNAL_CHUNK_LINES = 200;
const JOURNAL_CHUNK_CONCURRENCY = 4;

/**
 * The entries of these journals written before entries had deterministic ids (an ObjectId `_id`,
 * under the old unique index on (journal, account)), as the ids they would have now: the writer
 * skips them, so a journal begun before the upgrade is completed, not written twice. One read of
 * the `_id` index's ObjectId range, which is empty on a database created since.
 */
async function legacyEntryIds(journalIds: readonly string[]): Promise<Set<string>> {
  if (journalIds.length === 0 || !(await mayHoldLegacyEntries())) return new Set();
  const rows = await LedgerEntryModel.find({ ...LEGACY_ENTRIES, journalId: { $in: journalIds } }, { journalId: 1, account: 1, _id: 0 }).lean();
  return new Set(rows.map((row) => ledgerEntryId(row.journalId, row.account)));
}

/**
 * Whether this database may hold legacy entries: false from the first read that finds none, for
 * the rest of the process, since nothing writes one any more. Every legacy read asks first: they
 * sit on write paths (the scanner's credit journals: four reads of ~12 ms per 100 blocks on
 * DocumentDB's critical path) and on a rollback's and a booking's.
 */
async function mayHoldLegacyEntries(): Promise<boolean> {
  const database = LedgerEntryModel.db.name;
  if (legacyEntriesAbsentFrom.has(database)) return false;
  if ((await LedgerEntryModel.findOne(LEGACY_ENTRIES, { _id: 1 }).lean()) !== null) return true;
  legacyEntriesAbsentFrom.add(database);
  return false;
}

const legacyEntriesAbsentFrom = new Set<string>();

/**
 * Asks once, ahead of the first journal write, whether this database may hold legacy entries (the
 * answer is kept for the process): a writer that loads its state at start (the scanner, with its
 * view) calls it then, so that its first credit journals do not wait on that read (about 20 ms on
 * DocumentDB). Writing without it is as correct: recordJournals asks itself.
 */
export async function prepareJournalWrites(): Promise<void> {
  await mayHoldLegacyEntries();
}

/**
 * The entries written before deterministic ids: their ObjectId `_id`s sort after every string, and
 * a comparison with an ObjectId matches ObjectIds alone, so this is a range of the `_id` index
 * holding those entries only, a set nothing adds to (empty on a database created since).
 */
const LEGACY_ENTRIES = { _id: { $gte: new Types.ObjectId('000000000000000000000000') } } as const;

/**
 * One journal's entries, as a range of the `_id` index: every `<journal>|<account>` starts with
 * `<journal>|` (prefix-range.ts: up to `<journal>}`). A journal id may contain '|' itself, so the
 * range can hold a longer journal's entries too: the filter names the journal as well. No index
 * on `{journalId}`: every index is written with each entry (two per deposit the scanner credits),
 * and an `$or` of such ranges made DocumentDB scan the collection (docs/ledger.md).
 */
function journalRange(journalId: string): { _id: PrefixRange; journalId: string } {
  return { _id: prefixRange(ledgerEntryId(journalId, '')), journalId };
}

/** Reads per journal run this many at a time (db/chunks.ts). */
const JOURNAL_READS = { size: 1, concurrency: 8 } as const;

/**
 * Runs `read` on each journal's range (a few at a time; `oneJournal` true) and on the legacy
 * entries of all of them (false).
 */
async function eachJournalRange<T>(journalIds: readonly string[], read: (filter: Record<string, unknown>, oneJournal: boolean) => Promise<T[]>): Promise<T[]> {
  const found: T[] = [];
  await forEachChunk([...new Set(journalIds)], JOURNAL_READS, async ([journalId]) => {
    found.push(...(await read(journalRange(journalId as string), true)));
  });
  if (await mayHoldLegacyEntries()) found.push(...(await read({ ...LEGACY_ENTRIES, journalId: { $in: journalIds } }, false)));
  return found;
}

/** Which of these journals have at least one entry written. */
export async function writtenJournalIds(journalIds: readonly string[]): Promise<Set<string>> {
  if (journalIds.length === 0) return new Set();
  // One entry tells of its journal; the legacy read covers every journal at once.
  const rows = await eachJournalRange(journalIds, (filter, oneJournal) => LedgerEntryModel.find(filter, { journalId: 1, _id: 0 }).limit(oneJournal ? 1 : 0).lean());
  return new Set(rows.map((row) => row.journalId));
}

/** One account's line in one journal, or null when the journal does not move that account. */
export async function journalLineAmount(journalId: string, account: string): Promise<bigint | null> {
  const line =
    (await LedgerEntryModel.findById(ledgerEntryId(journalId, account), { amount: 1, _id: 0 }).lean()) ??
    ((await mayHoldLegacyEntries()) ? await LedgerEntryModel.findOne({ ...LEGACY_ENTRIES, journalId, account }, { amount: 1, _id: 0 }).lean() : null);
  return line === null ? null : line.amount;
}

/** An account's entries of one kind (e.g. a creator's payouts), with the period they are about. */
export async function accountEntriesOfKind(account: string, kind: string): Promise<Array<{ amount: bigint; period: string | null }>> {
  const rows = await LedgerEntryModel.find({ account, kind }, { amount: 1, period: 1, _id: 0 }).lean();
  return rows.map((row) => ({ amount: row.amount, period: row.period ?? null }));
}

const LINE = { journalId: 1, account: 1, amount: 1 } as const;

/**
 * "In no book yet": the field is absent (written so, set once by a close). Not `book: null`, which
 * also matches an explicit null: DocumentDB then reads two index terms and rechecks, 3 to 10 times
 * slower than `$exists: false` (1.2 ms at best, like a range on `book`; docs/ledger.md).
 */
const NO_BOOK = { $exists: false } as const;

interface StoredLine {
  /** `ledgerEntryId(journalId, account)`, or an ObjectId for an entry written before those ids. */
  _id: string | Types.ObjectId;
  journalId: string;
  account: string;
  amount: bigint;
}

const toLine = (row: StoredLine): JournalLine => ({ journalId: row.journalId, account: row.account, amount: row.amount });

/** An entry's id as a string: a legacy ObjectId's hex never equals an id, which contains `|`. */
const entryKey = (row: StoredLine): string => String(row._id);

/** Which accounts a read covers: one, those under a prefix (e.g. `donor:`), or all. */
export type AccountSelector = { account: string } | { prefix: string };

/**
 * The index each read names (a hint), the same on every engine: one account's entries by
 * `{account, book}` (its key, then its books), a prefix's or all accounts' by `{book, account}`
 * (the books since, then the accounts). DocumentDB's planner otherwise answered one account's read
 * from `{book, account}`: every entry of the books after B read to find one account's (6 ms for one
 * row at 380,000 entries, against 0.03 ms; docs/ledger.md). MongoDB picks these too; FerretDB v1
 * uses no index and ignores the hint.
 */
const hintFor = (accounts: AccountSelector): Record<string, 1> => ('account' in accounts ? { account: 1, book: 1 } : { book: 1, account: 1 });

/**
 * Entries not in a book up to `afterBook` (null: every entry) of the selected accounts. Two reads,
 * those in no book first, then those in a later book, merged by id: an entry being booked
 * meanwhile moves only from the first set to the second, so it is seen once or twice, never missed.
 */
export async function entriesAfterBook(afterBook: string | null, accounts: AccountSelector): Promise<JournalLine[]> {
  const filter = accountFilter(accounts);
  const hint = hintFor(accounts);
  if (afterBook === null) return (await LedgerEntryModel.find(filter, LINE).lean<StoredLine[]>()).map(toLine);
  const unbooked = await LedgerEntryModel.find({ ...filter, book: NO_BOOK }, LINE).hint(hint).lean<StoredLine[]>();
  const later = await LedgerEntryModel.find({ ...filter, book: { $gt: afterBook } }, LINE).hint(hint).lean<StoredLine[]>();
  const byId = new Map<string, StoredLine>();
  for (const row of [...unbooked, ...later]) byId.set(entryKey(row), row);
  return [...byId.values()].map(toLine);
}

/**
 * Most entries one account can have since the last closed book for `accountEntriesSince` to read
 * them in one query: a donor or a creator has a few a month; the custody and fee accounts, which
 * have one per deposit or payout, take the two ordered reads.
 */
export const ONE_READ_LIMIT = 100;

/**
 * One account's entries in no book or in a book after `afterBook`, in ONE query that returns one
 * batch (a single statement), or null when the account has ONE_READ_LIMIT entries or more since
 * (the caller then reads them with `entriesAfterBook`'s two ordered reads).
 *
 * Why one query misses no entry that a book is being assigned meanwhile (docs/ledger.md): the
 * filter is one condition on `book` ("not at or before B", which an absent book satisfies), so an
 * entry matches before its assignment and after it, and
 * - on DocumentDB (PostgreSQL) and FerretDB (SQLite) one batch is one SQL statement, which reads
 *   one snapshot: each entry is seen once, before or after its update, and matches either way.
 *   (A second batch would be another statement, another snapshot: hence one batch or none.)
 * - on MongoDB a query without `$or` is one scan (of `{account, book}`, `{book, account}` or the
 *   collection, never an OR of two scans run in an order of the planner's choosing). An update
 *   keeps a document's place in the collection, and moves its key in both indexes from "no book"
 *   (indexed as null, before every string) to a book: forward in the scan's order. The scan sees
 *   it once or twice, never zero times; the lines are merged by id.
 * The two-read version must read "no book" first for the same reason; `$or: [{book: absent},
 * {book: {$gt: B}}]` is not used: MongoDB may run its two branches as two scans, the later books
 * first.
 */
export async function accountEntriesSince(afterBook: string, account: string, limit = ONE_READ_LIMIT): Promise<JournalLine[] | null> {
  const rows = await LedgerEntryModel.find({ account, book: { $not: { $lte: afterBook } } }, LINE)
    .hint(hintFor({ account }))
    .limit(-limit) // negative: one batch, the cursor closed with it (the driver's singleBatch)
    .lean<StoredLine[]>();
  if (rows.length >= limit) return null;
  return [...new Map(rows.map((row) => [entryKey(row), row])).values()].map(toLine);
}

/** Every entry of these journals, whatever their book. */
export async function journalEntries(journalIds: readonly string[]): Promise<JournalLine[]> {
  if (journalIds.length === 0) return [];
  return (await eachJournalRange(journalIds, (filter) => LedgerEntryModel.find(filter, LINE).lean<StoredLine[]>())).map(toLine);
}

/** The entries of one book. */
export async function bookEntries(book: string): Promise<JournalLine[]> {
  return (await LedgerEntryModel.find({ book }, LINE).lean<StoredLine[]>()).map(toLine);
}

/**
 * Entries read per round, assigned in updates of ASSIGN_CHUNK, ASSIGN_CONCURRENCY at a time: on
 * DocumentDB an update writes its documents one after the other in one backend, while several
 * run in several (db/chunks.ts); one updateMany of a whole month outlasts a command timeout.
 */
const ASSIGN_ROUND = 8_000;
const ASSIGN_CHUNK = 500;
const ASSIGN_CONCURRENCY = 4;

/** Round and chunk sizes (tests: small ones, to read balances between many small assignments). */
export interface AssignSizes {
  round?: number;
  chunk?: number;
  concurrency?: number;
}

/**
 * Assigns every entry in no book yet to `book`, in rounds (an index read of up to ASSIGN_ROUND
 * ids in no book, then updates of those ids in chunks); returns how many it assigned. Each update
 * is conditional on "no book", so a concurrent or resumed round assigns nothing twice.
 */
export async function assignUnbookedEntries(book: string, sizes: AssignSizes = {}): Promise<number> {
  const { round = ASSIGN_ROUND, chunk: size = ASSIGN_CHUNK, concurrency = ASSIGN_CONCURRENCY } = sizes;
  let assigned = 0;
  for (;;) {
    const ids = (await LedgerEntryModel.find({ book: NO_BOOK }, { _id: 1 }).limit(round).lean<Array<{ _id: StoredLine['_id'] }>>()).map((row) => row._id);
    if (ids.length === 0) return assigned;
    await forEachChunk(ids, { size, concurrency }, async (chunk) => {
      const result = await LedgerEntryModel.updateMany({ _id: { $in: chunk }, book: NO_BOOK }, { $set: { book } });
      assigned += result.modifiedCount;
    });
  }
}

/** Assigns the entries of these journals that are in no book yet to `book` (completing them). */
export async function assignJournalEntries(book: string, journalIds: readonly string[]): Promise<number> {
  if (journalIds.length === 0) return 0;
  const counts = await eachJournalRange(journalIds, async (filter) => [(await LedgerEntryModel.updateMany({ ...filter, book: NO_BOOK }, { $set: { book } })).modifiedCount]);
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Every entry, streamed (the full audit): journal, account, amount and book (null: none yet). */
export async function* allEntries(): AsyncGenerator<JournalLine & { book: string | null }> {
  const cursor = LedgerEntryModel.find({}, { journalId: 1, account: 1, amount: 1, book: 1, _id: 0 }).lean().cursor({ batchSize: 5000 });
  for await (const row of cursor) {
    yield { journalId: row.journalId, account: row.account, amount: row.amount, book: row.book ?? null };
  }
}

function accountFilter(accounts: AccountSelector): { account?: string | PrefixRange } {
  if ('account' in accounts) return { account: accounts.account };
  return accounts.prefix === '' ? {} : { account: prefixRange(accounts.prefix) };
}

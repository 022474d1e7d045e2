import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection';
import { LedgerBookModel } from '../../src/db/ledger-book';
import { LedgerClosingModel } from '../../src/db/ledger-closing';
import { LedgerEntryModel } from '../../src/db/ledger-entry';
import { COIN } from '../../src/money/amount';
import { creatorAccount, CUSTODY_ACCOUNT, donorAccount, ledgerEntryId, PLATFORM_FEES_ACCOUNT } from '../../src/money/ledger';
import { startMongoServer, type MongoServer } from '../../src/runtime/embedded/mongo-server';
import { accountBalance, balancesByPrefix } from '../../src/services/ledger/balances';
import { closeBook } from '../../src/services/ledger/book-closing';
import { ledgerProblems } from '../../src/services/ledger/ledger-checks';
import { formatMs, printMonthTable } from './month-table';

/**
 * Balance reads against the ledger's history (issue 13, item 1): DONORS donors, MONTHS months of
 * history written directly in bulk (3 entries per donor-month: a deposit credit's two lines and
 * the donor's line of the month's allocation, whose creator and fee lines go to CREATORS
 * creators), each month's ledger book closed as the settlement closes it. After month 1 and after
 * the last month (with the next month's deposits written, in no book yet) it times one balance read
 * (median of many), the settlement's planning read (donor and creator balances, platform fee) and
 * the ledger's check before signing, and for reference the old read (summing all of one
 * account's entries).
 *
 *   npx tsx scripts/bench/balance.ts [--donors 10000] [--months 12] [--creators 100] [--reads 200] [--prebooked]
 *                                    [--db NAME] [--keep] [--measure-only]
 *
 * The allocation journal is written with its book, as the settlement writes it (recordJournal's
 * `book`); the deposits are assigned to the book when it closes.
 * --prebooked writes each month's entries with their book already set, as if assigned, so that
 * closing a book only computes, checks and writes its closings: for FerretDB, where assigning
 * books costs a read of the whole collection per entry (it uses no index, not even _id's).
 *
 * MONGODB_URI chooses the server (a temporary database in it, dropped at the end); without it,
 * FerretDB through the embedded launcher. To probe or compare code on one history without building
 * it again: `--db NAME --keep` leaves the database (NAME) in place, and `--db NAME --measure-only`
 * later measures it again (its donors read from the last closed book's closings). Target (issue 13): one balance read on DocumentDB with
 * twelve months for 10,000 donors under 5 ms.
 */
const TARGET_MS = 5;

const { values: args } = parseArgs({
  options: {
    donors: { type: 'string', default: '10000' },
    months: { type: 'string', default: '12' },
    creators: { type: 'string', default: '100' },
    reads: { type: 'string', default: '200' },
    prebooked: { type: 'boolean', default: false },
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'measure-only': { type: 'boolean', default: false },
  },
});
const DONORS = positive('donors');
const MONTHS = positive('months');
const CREATORS = positive('creators');
const READS = positive('reads');
const PREBOOKED = args.prebooked;
if (args['measure-only'] && args.db === undefined) throw new Error('--measure-only measures the database named by --db');
/** Each timed series stops after this long even if it has fewer samples (FerretDB scans everything). */
const SERIES_BUDGET_MS = 20_000;

function positive(name: 'donors' | 'months' | 'creators' | 'reads'): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const periodOf = (month: number): string => `${2024 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, '0')}`;
let donorIds = Array.from({ length: DONORS }, () => new Types.ObjectId().toHexString());
const creatorIds = Array.from({ length: CREATORS }, () => new Types.ObjectId().toHexString());

type EntryDoc = { journalId: string; account: string; amount: bigint; kind: string; period?: string; book?: string; createdAt: Date };

function depositEntries(month: number): EntryDoc[] {
  const at = new Date(`${periodOf(month)}-05T00:00:00Z`);
  return donorIds.flatMap((id, i) => {
    const amount = BigInt(5 + (i % 7)) * COIN;
    const journalId = `deposit:bench-${month}-${i}:0:credit:0`;
    return [
      { journalId, account: donorAccount(id), amount, kind: 'deposit-credit', createdAt: at },
      { journalId, account: CUSTODY_ACCOUNT, amount: -amount, kind: 'deposit-credit', createdAt: at },
    ];
  });
}

/** The month's allocation journal: each donor charged 1..3 DOGE, 10% fee, the rest to the creators. */
function allocationEntries(month: number): EntryDoc[] {
  const period = periodOf(month);
  const journalId = `settlement:${period}:allocation`;
  const at = new Date(`${period}-28T00:00:00Z`);
  const charges = donorIds.map((_, i) => BigInt(1 + (i % 3)) * COIN);
  const charged = charges.reduce((sum, amount) => sum + amount, 0n);
  const fee = charged / 10n;
  const share = (charged - fee) / BigInt(CREATORS);
  const rest = charged - fee - share * BigInt(CREATORS);
  const line = (account: string, amount: bigint): EntryDoc => ({ journalId, account, amount, kind: 'settlement-allocation', period, createdAt: at });
  return [
    ...donorIds.map((id, i) => line(donorAccount(id), -(charges[i] ?? 0n))),
    ...creatorIds.map((id, i) => line(creatorAccount(id), share + (i === 0 ? rest : 0n))),
    line(PLATFORM_FEES_ACCOUNT, fee),
  ];
}

/**
 * Inserts in batches; with --prebooked (or `withBook`) each entry carries the book that will close
 * it. The allocation journal is written with its book, as the settlement writes it.
 */
async function insertInBulk(entries: EntryDoc[], bookMonth: number, withBook = PREBOOKED): Promise<void> {
  const docs = entries.map((entry) => ({ _id: ledgerEntryId(entry.journalId, entry.account), ...entry, ...(withBook ? { book: periodOf(bookMonth) } : {}) }));
  for (let start = 0; start < docs.length; start += 1_000) await LedgerEntryModel.insertMany(docs.slice(start, start + 1_000), { ordered: false, lean: true });
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await run();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

/** Median of up to `count` runs (at least 3, at most SERIES_BUDGET_MS of them). */
async function median(count: number, run: (i: number) => Promise<unknown>): Promise<{ ms: number; p10: number; samples: number }> {
  const samples: number[] = [];
  const started = Date.now();
  for (let i = 0; i < count && (i < 3 || Date.now() - started < SERIES_BUDGET_MS); i++) samples.push((await timed(() => run(i)))[0]);
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)] ?? NaN, p10: samples[Math.floor(samples.length / 10)] ?? NaN, samples: samples.length };
}

interface Figures {
  afterMonth: number;
  entries: number;
  closeBookMs: number;
  balanceReadMs: number;
  /** The 10th percentile: on a shared machine the median follows the load as much as the read. */
  balanceReadP10Ms: number;
  balanceReads: number;
  planningReadMs: number;
  preSignCheckMs: number;
  oldFullSumReadMs: number;
}

async function measure(afterMonth: number, closeBookMs: number): Promise<Figures> {
  const entries = await LedgerEntryModel.estimatedDocumentCount();
  // The read must equal the plain sum of the account's entries, or the figures mean nothing.
  const probe = donorAccount(donorIds[0] ?? '');
  const fullSum = (await LedgerEntryModel.find({ account: probe }, { amount: 1, _id: 0 }).lean()).reduce((sum, row) => sum + row.amount, 0n);
  if ((await accountBalance(probe)) !== fullSum) throw new Error(`balance of ${probe} reads otherwise than its entries sum`);
  const problems = await ledgerProblems();
  if (problems.length > 0) throw new Error(`the ledger check found problems: ${problems.join('; ')}`);

  const balance = await median(READS, (i) => accountBalance(donorAccount(donorIds[(i * 7919) % donorIds.length] ?? '')));
  const planning = await median(3, () => Promise.all([balancesByPrefix(donorAccount('')), balancesByPrefix(creatorAccount('')), accountBalance(PLATFORM_FEES_ACCOUNT)]));
  const check = await median(3, () => ledgerProblems());
  const old = await median(Math.min(READS, 20), (i) => LedgerEntryModel.find({ account: donorAccount(donorIds[(i * 7919) % donorIds.length] ?? '') }, { amount: 1, _id: 0 }).lean());
  return { afterMonth, entries, closeBookMs, balanceReadMs: balance.ms, balanceReadP10Ms: balance.p10, balanceReads: balance.samples, planningReadMs: planning.ms, preSignCheckMs: check.ms, oldFullSumReadMs: old.ms };
}

/** --measure-only: the kept database's donors (from the last closed book's closings), measured. */
async function measureAgain(): Promise<Figures> {
  const last = await LedgerBookModel.findOne({ state: 'closed' }, { _id: 1 }).sort({ _id: -1 }).lean();
  if (last === null) throw new Error('no closed ledger book in this database: build it first (--keep)');
  const rows = await LedgerClosingModel.find({ period: last._id, account: { $gte: donorAccount(''), $lt: donorAccount('').slice(0, -1) + ';' } }, { account: 1, _id: 0 }).lean();
  donorIds = rows.map((row) => row.account.slice(donorAccount('').length)).sort();
  if (donorIds.length !== DONORS) log(`measuring ${donorIds.length} donors found in book ${last._id}`);
  const [year, month] = last._id.split('-').map(Number);
  return measure(((year ?? 2024) - 2024) * 12 + (month ?? 1), NaN);
}

async function main(): Promise<void> {
  let server: MongoServer | undefined;
  const dbName = args.db ?? `kibble_bench_balance_${randomBytes(4).toString('hex')}`;
  try {
    server = await startMongoServer({ log });
    log(`database: ${server.kind} (${dbName}); ${DONORS} donors, ${MONTHS} months, ${CREATORS} creators${PREBOOKED ? ', entries written with their book' : ''}`);
    const connection = await connectDatabase({ uri: server.uri, dbName });
    if (args['measure-only']) {
      report(server.kind, [await measureAgain()]);
      return;
    }
    const figures: Figures[] = [];
    for (let month = 1; month <= MONTHS; month++) {
      const [writeMs] = await timed(async () => {
        if (month === 1) await insertInBulk(depositEntries(1), month);
        await insertInBulk(allocationEntries(month), month, true);
      });
      const [closeBookMs] = await timed(() => closeBook(periodOf(month), new Date()));
      // The next month's deposits, in no book yet: the "entries since" of every read.
      await insertInBulk(depositEntries(month + 1), month + 1);
      log(`month ${month}: entries written in ${Math.round(writeMs)} ms, book closed in ${Math.round(closeBookMs)} ms`);
      if (month === 1 || month === MONTHS) figures.push(await measure(month, closeBookMs));
    }
    report(server.kind, figures);
    if (args.keep) log(`database ${dbName} kept (--measure-only --db ${dbName} measures it again)`);
    else await connection.dropDatabase();
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await server?.stop();
  }
}

function report(kind: string, figures: readonly Figures[]): void {
  const rows = [
    ['ledger entries', ...figures.map((row) => String(row.entries))],
    ['one balance read (median)', ...figures.map((row) => `${formatMs(row.balanceReadMs)} ms (${row.balanceReads} reads)`)],
    ['one balance read (10th percentile)', ...figures.map((row) => `${formatMs(row.balanceReadP10Ms)} ms`)],
    ['planning read', ...figures.map((row) => `${formatMs(row.planningReadMs)} ms`)],
    ['check before signing', ...figures.map((row) => `${formatMs(row.preSignCheckMs)} ms`)],
    ['closing the month\'s book', ...figures.map((row) => `${formatMs(row.closeBookMs)} ms`)],
    ['old read: sum all of one account\'s entries', ...figures.map((row) => `${formatMs(row.oldFullSumReadMs)} ms`)],
  ];
  printMonthTable(`bench:balance on ${kind}, ${DONORS} donors${PREBOOKED ? ' (entries written with their book)' : ''}`, figures, rows);
  const last = figures[figures.length - 1];
  if (last !== undefined) process.stdout.write(`target: one balance read under ${TARGET_MS} ms after ${last.afterMonth} months: ${last.balanceReadMs < TARGET_MS ? 'met' : 'NOT met'} (${formatMs(last.balanceReadMs)} ms)\n`);
  process.stdout.write(`${JSON.stringify({ database: kind, prebooked: PREBOOKED, donors: DONORS, months: MONTHS, creators: CREATORS, figures })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

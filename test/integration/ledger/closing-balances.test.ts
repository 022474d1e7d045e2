import { LedgerBookModel, LedgerClosingModel, LedgerEntryModel } from '../../../src/db/models';
import { isKibbleError } from '../../../src/errors';
import { COIN } from '../../../src/money/amount';
import { CUSTODY_ACCOUNT, creatorAccount, depositCreditJournal, donorAccount, ledgerEntryId, PLATFORM_FEES_ACCOUNT, type Journal } from '../../../src/money/ledger';
import { accountBalance, balancesByPrefix } from '../../../src/services/ledger/balances';
import { closeBook } from '../../../src/services/ledger/book-closing';
import { fullAudit } from '../../../src/services/ledger/ledger-audit';
import { ledgerProblems } from '../../../src/services/ledger/ledger-checks';
import { rememberClosedBook } from '../../../src/services/ledger/book-store';
import { assignUnbookedEntries, recordJournals } from '../../../src/services/ledger/ledger-store';
import { uriOfDatabase, useTestDatabase } from '../../support/database';
import { testDatabaseKind } from '../../support/env';
import { runKibbleProcess } from '../../support/cli';

const AT = new Date('2026-01-01T00:00:00Z');

/**
 * Ledger books on the real database: several settled months, a late entry, a crash between the
 * closings and the book's close, a journal half-written while a book was assigned, and the full
 * audit (in process and as a `kibble audit --full` process) on consistent and corrupted data. Every
 * balance is compared with the plain sum of all the journals the test wrote.
 */
describe('ledger books and closing balances', () => {
  const db = useTestDatabase();
  const written: Journal[] = [];
  const DONORS = ['d1', 'd2', 'd3'];
  const CREATORS = ['c1', 'c2'];
  const ACCOUNTS = [...DONORS.map(donorAccount), ...CREATORS.map(creatorAccount), PLATFORM_FEES_ACCOUNT, CUSTODY_ACCOUNT];

  async function write(...journals: Journal[]): Promise<void> {
    await recordJournals(journals, AT);
    written.push(...journals);
  }

  function expectedBalance(account: string): bigint {
    return written.flatMap((journal) => journal.lines).filter((line) => line.account === account).reduce((sum, line) => sum + line.amount, 0n);
  }

  async function expectBalancesAsWritten(): Promise<void> {
    for (const account of ACCOUNTS) expect({ account, balance: await accountBalance(account) }).toEqual({ account, balance: expectedBalance(account) });
    const donors = await balancesByPrefix('donor:');
    for (const donor of DONORS) expect(donors.get(donorAccount(donor)) ?? 0n).toBe(expectedBalance(donorAccount(donor)));
    expect([...donors.keys()].every((account) => account.startsWith('donor:'))).toBe(true);
  }

  /** A month: each donor deposits, then is charged; the creators are credited, the platform takes 10%. */
  function month(period: string, charges: Record<string, bigint>): Journal[] {
    const deposits = DONORS.map((donor, i) => depositCreditJournal(`${period}-${donor}`, 0, donor, BigInt(i + 1) * 10n * COIN));
    const charged = Object.values(charges).reduce((sum, amount) => sum + amount, 0n);
    const fee = charged / 10n;
    const allocation: Journal = {
      id: `settlement:${period}:allocation`,
      kind: 'settlement-allocation',
      period,
      lines: [
        ...Object.entries(charges).map(([donor, amount]) => ({ account: donorAccount(donor), amount: -amount })),
        { account: creatorAccount('c1'), amount: (charged - fee) / 2n },
        { account: creatorAccount('c2'), amount: charged - fee - (charged - fee) / 2n },
        { account: PLATFORM_FEES_ACCOUNT, amount: fee },
      ],
    };
    return [...deposits, allocation];
  }

  it('has the compound indexes the reads hint, ordered on DocumentDB (src/db/ordered-index.ts)', async () => {
    const ordered = testDatabaseKind() === 'documentdb';
    const shape = (indexes: Array<{ key: unknown; enableOrderedIndex?: unknown }>) => indexes.map((index) => ({ key: index.key, ordered: Boolean(index.enableOrderedIndex) }));
    expect(shape(await db.native.collection('ledger_entries').listIndexes().toArray())).toEqual(
      expect.arrayContaining([
        { key: { account: 1, book: 1 }, ordered },
        { key: { book: 1, account: 1 }, ordered },
      ]),
    );
    expect(shape(await db.native.collection('ledger_closings').listIndexes().toArray())).toEqual(expect.arrayContaining([{ key: { period: 1, account: 1 }, ordered }]));
  });

  it('reads balances from the last closing plus the entries since, across several settled months', async () => {
    await expectBalancesAsWritten(); // no book yet: every entry counts

    await write(...month('2026-01', { d1: 5n * COIN, d2: 7n * COIN }));
    const january = await closeBook('2026-01', AT);
    expect(january).toMatchObject({ period: '2026-01', state: 'closed', previous: null, closings: 7 });
    await expectBalancesAsWritten();

    // c1 is paid out in full: its balance goes to zero, and February's closings hold that zero.
    await write(...month('2026-02', { d3: 3n * COIN }));
    const owedC1 = expectedBalance(creatorAccount('c1'));
    await write({ id: 'settlement:2026-01:tx:aa', kind: 'creator-payout', period: '2026-01', lines: [{ account: creatorAccount('c1'), amount: -owedC1 }, { account: CUSTODY_ACCOUNT, amount: owedC1 }] });
    await expectBalancesAsWritten();
    expect(await closeBook('2026-02', AT)).toMatchObject({ state: 'closed', previous: '2026-01' });
    expect(await LedgerClosingModel.findById(`2026-02:${creatorAccount('c1')}`).lean()).toMatchObject({ amount: 0n });
    await expectBalancesAsWritten();

    await write(...month('2026-03', { d1: 1n, d2: 2n, d3: 3n }));
    await closeBook('2026-03', AT);
    await expectBalancesAsWritten();
    await write(...month('2026-04', { d2: COIN }));
    await closeBook('2026-04', AT);
    await expectBalancesAsWritten();

    expect(await ledgerProblems()).toEqual([]);
    const audit = await fullAudit();
    expect(audit).toMatchObject({ consistent: true, differences: [], summary: { books: 4, closedBooks: 4, entriesInNoBook: 0, journals: written.length } });
  });

  it('closing a book again changes nothing, and books close in order only', async () => {
    const before = await LedgerClosingModel.countDocuments({ period: '2026-04' });
    expect(await closeBook('2026-04', AT)).toMatchObject({ state: 'closed' });
    expect(await LedgerClosingModel.countDocuments({ period: '2026-04' })).toBe(before);
    await expect(closeBook('2026-02', AT)).resolves.toMatchObject({ state: 'closed' });
    const refused = await closeBook('2025-12', AT).catch((error: unknown) => error);
    expect(isKibbleError(refused, 'ledger-inconsistent')).toBe(true);
  });

  it('counts an entry dated into a closed month: it is booked into the next book to close', async () => {
    // A payout of February's settlement confirmed in May, after February's and April's books closed.
    const owedC2 = expectedBalance(creatorAccount('c2'));
    await write({ id: 'settlement:2026-02:tx:late', kind: 'creator-payout', period: '2026-02', lines: [{ account: creatorAccount('c2'), amount: -owedC2 }, { account: CUSTODY_ACCOUNT, amount: owedC2 }] });
    expect(await accountBalance(creatorAccount('c2'))).toBe(0n);
    await expectBalancesAsWritten();
    await closeBook('2026-05', AT);
    expect(await LedgerEntryModel.findOne({ journalId: 'settlement:2026-02:tx:late', account: creatorAccount('c2') }).lean()).toMatchObject({ period: '2026-02', book: '2026-05' });
    await expectBalancesAsWritten();
    expect(await fullAudit()).toMatchObject({ consistent: true });
  });

  it('resumes a close that died after writing its closings to the same closings, and keeps later entries out', async () => {
    await write(...month('2026-06', { d1: 2n * COIN, d3: COIN }));
    const crash = new Error('killed after the closings were written');
    await expect(closeBook('2026-06', AT, { afterClosingsWritten: () => Promise.reject(crash) })).rejects.toBe(crash);
    expect(await LedgerBookModel.findById('2026-06').lean()).toMatchObject({ state: 'booked' });
    const stored = await LedgerClosingModel.find({ period: '2026-06' }, { _id: 1, amount: 1 }).sort({ _id: 1 }).lean();
    expect(stored.length).toBeGreaterThan(0);
    // Readers keep using May's book until June's is closed; an entry written now is in no book.
    await expectBalancesAsWritten();
    await write(depositCreditJournal('after-crash', 0, 'd2', 4n * COIN));
    await expectBalancesAsWritten();

    expect(await closeBook('2026-06', AT)).toMatchObject({ state: 'closed' });
    expect(await LedgerClosingModel.find({ period: '2026-06' }, { _id: 1, amount: 1 }).sort({ _id: 1 }).lean()).toEqual(stored);
    expect(await LedgerEntryModel.findOne({ journalId: 'deposit:after-crash:credit:0', account: donorAccount('d2') }).lean()).not.toHaveProperty('book');
    await expectBalancesAsWritten();
    expect(await ledgerProblems()).toEqual([]);
  });

  it('refuses to close a book holding half a journal, and closes it once the journal is whole', async () => {
    // The first line of a deposit credit is in, the second not yet (a writer caught mid-insert).
    const journal = depositCreditJournal('half', 0, 'd1', 6n * COIN);
    const [donorLine, custodyLine] = journal.lines;
    await LedgerEntryModel.create({ _id: ledgerEntryId(journal.id, donorLine?.account ?? ''), journalId: journal.id, account: donorLine?.account, amount: donorLine?.amount, kind: journal.kind, createdAt: AT });
    const refused = await closeBook('2026-07', AT).catch((error: unknown) => error);
    expect(isKibbleError(refused, 'ledger-unbalanced')).toBe(true);
    expect(await LedgerBookModel.findById('2026-07').lean()).toMatchObject({ state: 'booking' });
    expect(await LedgerClosingModel.countDocuments({ period: '2026-07' })).toBe(0);

    await LedgerEntryModel.create({ _id: ledgerEntryId(journal.id, custodyLine?.account ?? ''), journalId: journal.id, account: custodyLine?.account, amount: custodyLine?.amount, kind: journal.kind, createdAt: AT });
    written.push(journal);
    expect(await closeBook('2026-07', AT)).toMatchObject({ state: 'closed' });
    await expectBalancesAsWritten();
  });

  it('reads the right balances from a stale remembered closed book, and from none', async () => {
    // A process remembers the last closed book for a second; another one may have closed later
    // books meanwhile. An older closed book is still a correct base (balances.ts).
    rememberClosedBook('2026-01');
    await expectBalancesAsWritten();
    rememberClosedBook(null);
    await expectBalancesAsWritten();
  });

  it('reads every balance right while a book is being assigned, entry by entry', async () => {
    const deposits = DONORS.flatMap((donor) => Array.from({ length: 8 }, (_, i) => depositCreditJournal(`racing-${donor}-${i}`, 0, donor, BigInt(i + 1) * COIN)));
    await write(...deposits);
    const last = (await LedgerBookModel.findOne({ state: 'closed' }).sort({ _id: -1 }).lean())?._id ?? '';
    rememberClosedBook(last);
    let reads = 0;
    const progress = { assigning: true };
    const assignment = assignUnbookedEntries('2026-09', { round: 4, chunk: 2, concurrency: 1 }).finally(() => (progress.assigning = false));
    while (progress.assigning) {
      for (const account of [donorAccount('d1'), donorAccount('d3'), CUSTODY_ACCOUNT]) {
        // Both ways of reading the entries since: one query, and (an account with more entries
        // since than the one query takes) the two ordered reads.
        expect({ account, balance: await accountBalance(account) }).toEqual({ account, balance: expectedBalance(account) });
        expect({ account, twoReads: await accountBalance(account, { oneReadLimit: 1 }) }).toEqual({ account, twoReads: expectedBalance(account) });
        reads += 1;
      }
    }
    expect(await assignment).toBe(deposits.length * 2);
    expect(reads).toBeGreaterThan(3);
    expect(await closeBook('2026-09', AT)).toMatchObject({ state: 'closed', entries: deposits.length * 2 });
    await expectBalancesAsWritten();
  });

  describe('kibble audit --full (a child process)', () => {
    const audit = (...args: string[]) =>
      runKibbleProcess(['audit', ...args], { env: { ...process.env, MONGODB_URI: uriOfDatabase(db), LOG_LEVEL: 'silent' }, timeout: 60_000 }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: unknown) => ({ code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout }),
      );

    it('says consistent and exits 0 on the real data, then names a corrupted closing and exits 1', async () => {
      const ok = await audit('--full');
      expect(ok).toMatchObject({ code: 0 });
      expect(ok.stdout).toMatch(/ledger books 8 \(closed: 8\)/);
      expect(ok.stdout).toContain('consistent: every journal balances');

      const victim = `2026-03:${donorAccount('d2')}`;
      const { amount } = await LedgerClosingModel.findById(victim).orFail().lean();
      await db.native.collection('ledger_closings').updateOne({ _id: victim as never }, { $set: { amount: amount + 1n } });
      const bad = await audit('--full', '--json');
      expect(bad.code).toBe(1);
      const report = JSON.parse(bad.stdout) as { consistent: boolean; differences: string[] };
      expect(report.consistent).toBe(false);
      expect(report.differences).toEqual([expect.stringContaining(`ledger book 2026-03: closing of ${donorAccount('d2')} is`)]);

      // The check before signing (`kibble audit` without --full) looks at the last book only: it
      // still passes; a corruption of the last book is what it catches.
      expect(await ledgerProblems()).toEqual([]);
      await LedgerClosingModel.updateOne({ _id: `2026-09:${donorAccount('d1')}` }, { $inc: { amount: 5n } });
      expect(await ledgerProblems()).toEqual([
        expect.stringContaining('ledger book 2026-09: 1 closing balance(s) differ'),
        expect.stringContaining('its closing balances sum to 0.00000005, not zero'),
        expect.stringContaining('the carried totals do not balance'),
      ]);
    }, 180_000);
  });
});

import { Types } from 'mongoose';
import { syncAllIndexes } from '../../../src/db/connection';
import { LedgerEntryModel } from '../../../src/db/models';
import { COIN } from '../../../src/money/amount';
import { CUSTODY_ACCOUNT, depositCreditJournal, donorAccount, ledgerEntryId } from '../../../src/money/ledger';
import { accountBalance } from '../../../src/services/ledger/balances';
import { closeBook } from '../../../src/services/ledger/book-closing';
import { fullAudit } from '../../../src/services/ledger/ledger-audit';
import { assignJournalEntries, journalEntries, journalLineAmount, recordJournal, writtenJournalIds } from '../../../src/services/ledger/ledger-store';
import { useTestDatabase } from '../../support/database';

const AT = new Date('2026-01-01T00:00:00Z');

/**
 * A database written before entries had deterministic ids (docs/ledger.md): its entries have
 * ObjectIds under a unique index on (journal, account). Starting kibble drops that index; a journal
 * begun then is completed without writing its old entries twice, and balances, books and the full
 * audit read old and new entries alike.
 */
describe('ledger entries written before deterministic ids', () => {
  const db = useTestDatabase();
  const entries = () => db.native.collection('ledger_entries');

  it('drops the old unique index, completes an old half-written journal once, and reads both kinds of entry', async () => {
    await entries().createIndex({ journalId: 1, account: 1 }, { unique: true });
    const old = depositCreditJournal('before-upgrade', 0, 'd1', 5n * COIN);
    const oldOnly = depositCreditJournal('old-complete', 0, 'd1', 2n * COIN);
    const [donorLine] = old.lines;
    const legacy = (journal: typeof old, line: (typeof old.lines)[number]) => ({ _id: new Types.ObjectId(), journalId: journal.id, account: line.account, amount: line.amount, kind: journal.kind, createdAt: AT });
    await entries().insertMany([legacy(old, donorLine!), ...oldOnly.lines.map((line) => legacy(oldOnly, line))]);

    await syncAllIndexes();
    // Gone: a journal's entries are a range of `_id` (and, for the old ones, its ObjectId range).
    expect((await entries().indexes()).map((row) => row.name)).not.toContain('journalId_1_account_1');

    await recordJournal(old, AT);
    await recordJournal(old, AT);
    await recordJournal(oldOnly, AT);
    const rows = await LedgerEntryModel.find({ journalId: { $in: [old.id, oldOnly.id] } }, { _id: 1, account: 1 }).lean();
    expect(rows.map((row) => [row.account, typeof row._id]).sort()).toEqual(
      [[CUSTODY_ACCOUNT, 'object'], [CUSTODY_ACCOUNT, 'string'], [donorAccount('d1'), 'object'], [donorAccount('d1'), 'object']].sort(),
    );
    expect(rows.find((row) => typeof row._id === 'string')?._id).toBe(ledgerEntryId(old.id, CUSTODY_ACCOUNT));

    expect(await accountBalance(donorAccount('d1'))).toBe(7n * COIN);
    // The reads by journal find both kinds (a new journal's `_id` range, the old ObjectId range).
    expect(await writtenJournalIds([old.id, oldOnly.id, 'deposit:never-written:credit:1'])).toEqual(new Set([old.id, oldOnly.id]));
    expect(await journalLineAmount(old.id, donorAccount('d1'))).toBe(5n * COIN);
    expect(await journalLineAmount(old.id, CUSTODY_ACCOUNT)).toBe(-5n * COIN);
    expect(await journalLineAmount(oldOnly.id, 'creator:nobody')).toBeNull();
    expect((await journalEntries([old.id])).map((line) => line.amount).sort()).toEqual([-5n * COIN, 5n * COIN]);
    expect(await assignJournalEntries('2026-01', [old.id])).toBe(2);
    expect(await assignJournalEntries('2026-01', [old.id])).toBe(0);
    await closeBook('2026-01', AT);
    expect(await LedgerEntryModel.countDocuments({ book: '2026-01' })).toBe(4);
    const deposit = depositCreditJournal('after-upgrade', 0, 'd1', COIN);
    await recordJournal(deposit, AT);
    expect(await accountBalance(donorAccount('d1'))).toBe(8n * COIN);
    expect(await fullAudit()).toMatchObject({ consistent: true, differences: [] });
  });
});

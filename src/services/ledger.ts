import { isDuplicateKeyError } from '../db/errors';
import { LedgerEntryModel } from '../db/ledger-entry';
import { assertBalancedJournal, type Journal } from '../money/ledger';

/**
 * Writes a journal once. Entries are keyed by (journalId, account) under a unique index, so a
 * repeated or resumed write inserts only what is missing; no multi-document transaction needed.
 */
export async function recordJournal(journal: Journal, at: Date): Promise<void> {
  await recordJournals([journal], at);
}

/**
 * Writes many journals in one round trip (one unordered insertMany of all their entries). Every
 * journal is validated before anything is written; entries that exist already (a repeated or
 * resumed write) are skipped, the others are inserted all the same.
 */
export async function recordJournals(journals: readonly Journal[], at: Date): Promise<void> {
  for (const journal of journals) assertBalancedJournal(journal);
  const docs = journals.flatMap((journal) =>
    journal.lines.map((line) => ({
      journalId: journal.id,
      account: line.account,
      amount: line.amount,
      kind: journal.kind,
      ...(journal.period === undefined ? {} : { period: journal.period }),
      createdAt: at,
    })),
  );
  if (docs.length === 0) return;
  try {
    await LedgerEntryModel.insertMany(docs, { ordered: false });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** Sum of the entries of one ledger account. */
export async function accountBalance(account: string): Promise<bigint> {
  const entries = await LedgerEntryModel.find({ account }, { amount: 1, _id: 0 }).lean();
  return entries.reduce((sum, entry) => sum + BigInt(entry.amount), 0n);
}

/** Balances of every account whose name starts with `prefix` (e.g. `donor:`), in one read. */
export async function balancesByPrefix(prefix: string): Promise<Map<string, bigint>> {
  const entries = await LedgerEntryModel.find(
    { account: { $regex: `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } },
    { account: 1, amount: 1, _id: 0 },
  ).lean();
  const balances = new Map<string, bigint>();
  for (const entry of entries) balances.set(entry.account, (balances.get(entry.account) ?? 0n) + BigInt(entry.amount));
  return balances;
}

/** Every journal's entries summed by journal id; a non-zero sum means a broken journal. */
export async function unbalancedJournals(): Promise<string[]> {
  const entries = await LedgerEntryModel.find({}, { journalId: 1, amount: 1, _id: 0 }).lean();
  const totals = new Map<string, bigint>();
  for (const entry of entries) totals.set(entry.journalId, (totals.get(entry.journalId) ?? 0n) + BigInt(entry.amount));
  return [...totals].filter(([, total]) => total !== 0n).map(([journalId]) => journalId);
}

/** Which of these journals have entries recorded (wallet-watch's reorg checks a credit it may have written). */
export async function recordedJournalIds(journalIds: readonly string[]): Promise<Set<string>> {
  if (journalIds.length === 0) return new Set();
  const entries = await LedgerEntryModel.find({ journalId: { $in: journalIds } }, { journalId: 1, _id: 0 }).lean();
  return new Set(entries.map((entry) => entry.journalId));
}

import { KibbleError } from '../errors';

/**
 * The double-entry rules, as plain data. A journal is one movement (a deposit credit, a period's
 * settlement, a refund); its entries sum to zero. Sign convention: a positive amount is value the
 * account holds or is owed; `custody` is the counter-account of coins entering the wallet, so
 * `-balance(custody)` is what the service's unspent outputs should be worth.
 */
export interface LedgerLine {
  account: string;
  amount: bigint;
}

export interface Journal {
  /** Deterministic: writing the same journal twice must change nothing. */
  id: string;
  kind: string;
  period?: string;
  lines: readonly LedgerLine[];
}

export const CUSTODY_ACCOUNT = 'custody';
export const PLATFORM_FEES_ACCOUNT = 'platform:fees';
export const CHAIN_FEES_ACCOUNT = 'chain:fees';

export const donorAccount = (accountId: string): string => `donor:${accountId}`;
export const creatorAccount = (accountId: string): string => `creator:${accountId}`;

export function journalTotal(lines: readonly LedgerLine[]): bigint {
  return lines.reduce((sum, line) => sum + line.amount, 0n);
}

/** Refuses a journal that does not balance, repeats an account, or has no movement at all. */
export function assertBalancedJournal(journal: Journal): void {
  const total = journalTotal(journal.lines);
  if (total !== 0n) {
    throw new KibbleError('ledger-unbalanced', `journal ${journal.id} does not balance: its entries sum to ${total}`);
  }
  const accounts = new Set(journal.lines.map((line) => line.account));
  if (accounts.size !== journal.lines.length) {
    throw new KibbleError('ledger-unbalanced', `journal ${journal.id} names an account twice; merge its lines`);
  }
  if (journal.lines.length < 2) {
    throw new KibbleError('ledger-unbalanced', `journal ${journal.id} needs at least two lines`);
  }
}

/** A deposit credited to a donor: the coins enter custody, the donor's balance grows. */
export function depositCreditJournal(depositKey: string, creditSeq: number, accountId: string, amount: bigint): Journal {
  return {
    id: `deposit:${depositKey}:credit:${creditSeq}`,
    kind: 'deposit-credit',
    lines: [
      { account: donorAccount(accountId), amount },
      { account: CUSTODY_ACCOUNT, amount: -amount },
    ],
  };
}

/** The exact reverse of a credit, when its block is orphaned by a reorg. */
export function depositReversalJournal(depositKey: string, creditSeq: number, accountId: string, amount: bigint): Journal {
  return {
    id: `deposit:${depositKey}:reversal:${creditSeq}`,
    kind: 'deposit-reversal',
    lines: [
      { account: donorAccount(accountId), amount: -amount },
      { account: CUSTODY_ACCOUNT, amount },
    ],
  };
}

/** Separates journal and account in an entry's id; no account name contains it. */
const ENTRY_ID_SEPARATOR = '|';

/**
 * The `_id` of a journal's entry for one account: `<journalId>|<account>`. Injective because an
 * account never contains the separator (asserted; a journal id may: the last one splits), so
 * writing a journal again hits the primary key. The primary key is a btree on every engine,
 * unlike a compound unique index whose leading values repeat (docs/ledger.md).
 */
export function ledgerEntryId(journalId: string, account: string): string {
  if (account.includes(ENTRY_ID_SEPARATOR)) {
    throw new KibbleError('ledger-inconsistent', `ledger account ${JSON.stringify(account)} contains ${JSON.stringify(ENTRY_ID_SEPARATOR)}, which separates journal and account in entry ids`);
  }
  return `${journalId}${ENTRY_ID_SEPARATOR}${account}`;
}

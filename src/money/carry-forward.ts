/**
 * The arithmetic of closing balances, as plain data (docs/ledger.md). A ledger book is a set of
 * entries; its closings are every account's balance once the book's entries are added to the
 * previous book's closings. Balance now = the account's last closing + its entries since.
 */
export interface AmountLine {
  account: string;
  amount: bigint;
}

export interface JournalLine extends AmountLine {
  journalId: string;
}

/** Sum per account of the lines, accounts in first-seen order. */
export function sumByAccount(lines: Iterable<AmountLine>): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const line of lines) sums.set(line.account, (sums.get(line.account) ?? 0n) + line.amount);
  return sums;
}

/** Journals whose lines do not sum to zero, with what they sum to. */
export function journalImbalances(lines: Iterable<JournalLine>): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const line of lines) totals.set(line.journalId, (totals.get(line.journalId) ?? 0n) + line.amount);
  for (const [journalId, total] of totals) if (total === 0n) totals.delete(journalId);
  return totals;
}

/**
 * The closings of a book: each account of `previous` whose closing was not zero, and each account
 * the book's lines move, at previous closing + the book's sum. So the latest book's closings hold
 * every non-zero balance, and an account missing from them is at zero (or has not moved since its
 * own latest closing, which is then zero).
 */
export function carryForward(previous: ReadonlyMap<string, bigint>, bookLines: Iterable<AmountLine>): Map<string, bigint> {
  const closings = new Map<string, bigint>();
  for (const [account, amount] of previous) if (amount !== 0n) closings.set(account, amount);
  for (const [account, moved] of sumByAccount(bookLines)) closings.set(account, (previous.get(account) ?? 0n) + moved);
  return closings;
}

/** Balance from a closing (0n when the account has none) and the account's entries since. */
export function balanceFrom(closing: bigint, since: Iterable<AmountLine>): bigint {
  let balance = closing;
  for (const line of since) balance += line.amount;
  return balance;
}

/** Balances from a book's closings and every account's entries since: the ledger's balances now. */
export function balancesFrom(closings: ReadonlyMap<string, bigint>, since: Iterable<AmountLine>): Map<string, bigint> {
  const balances = new Map(closings);
  for (const [account, moved] of sumByAccount(since)) balances.set(account, (balances.get(account) ?? 0n) + moved);
  return balances;
}

export function total(amounts: Iterable<bigint>): bigint {
  let sum = 0n;
  for (const amount of amounts) sum += amount;
  return sum;
}

export interface ClosingDifference {
  account: string;
  expected: bigint;
  /** null: no closing stored for the account. */
  stored: bigint | null;
}

/**
 * Where stored closings differ from the expected ones: a different amount, an expected closing
 * missing, or a stored one that should not be there with a non-zero amount. Sorted by account.
 */
export function closingDifferences(expected: ReadonlyMap<string, bigint>, stored: ReadonlyMap<string, bigint>): ClosingDifference[] {
  const accounts = [...new Set([...expected.keys(), ...stored.keys()])].sort();
  const rows: ClosingDifference[] = [];
  for (const account of accounts) {
    const want = expected.get(account);
    const have = stored.get(account) ?? null;
    if (want === undefined ? have !== 0n : have !== want) rows.push({ account, expected: want ?? 0n, stored: have });
  }
  return rows;
}

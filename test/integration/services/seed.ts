// Accounts and balances for the service tests, written straight to the models: the services under
// test take ids, and account creation has its own service and tests.
import { AccountModel } from '../../../src/db/account';
import { isKibbleError, type ErrorCode } from '../../../src/errors';
import { depositCreditJournal } from '../../../src/money/ledger';
import { recordJournal } from '../../../src/services/ledger/ledger-store';

/** Each test file has its own database, so a per-module counter keeps depositIndex unique. */
let nextDepositIndex = 1;
let nextDeposit = 1;

export { doge } from '../../support/money';

export async function createAccount(handle: string, monthlyBudget: bigint = 0n): Promise<string> {
  const index = nextDepositIndex++;
  const account = await AccountModel.create({ handle: `${handle}-${index}`, passwordHash: 'unused', depositIndex: index, monthlyBudget });
  return account._id.toHexString();
}

/** A confirmed deposit of `amount` koinu to the donor, as the scanner would credit it. */
export async function credit(accountId: string, amount: bigint, at = new Date('2026-01-01T00:00:00Z')): Promise<void> {
  const key = `${'ab'.repeat(32)}:${nextDeposit++}`;
  await recordJournal(depositCreditJournal(key, 0, accountId, amount), at);
}

/** The KibbleError code a call fails with, or 'resolved': makes racing callers easy to tally. */
export async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (isKibbleError(error)) return error.code;
    throw error;
  }
}

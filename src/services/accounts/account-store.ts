import { Types } from 'mongoose';
import { AccountModel, handleKeyOf, type Account } from '../../db/account';
import { isDuplicateKeyError } from '../../db/errors';
import { OneWriterPerKey } from '../../db/one-writer-per-key';
import { isFiatCurrency, type FiatAmount, type FiatCurrency } from '../../money/fiat';

/**
 * The accounts collection's owner: the only module that reads or writes it. Everything else in
 * src asks these functions, which speak in string ids and return plain data.
 */

export type { Account };

export interface NewAccountRecord {
  id: Types.ObjectId;
  handle: string;
  passwordHash: string;
  depositIndex: number;
  depositAddress: string;
  createdAt: Date;
}

/** What the settlement's planner needs of an account. */
export interface PlanAccount {
  id: string;
  monthlyBudget: bigint;
  fiatBudget: FiatAmount | null;
  payoutAddress: string | null;
}

/** Whether a handle is taken, case-insensitively (an early answer; the unique index decides). */
export async function handleTaken(handle: string): Promise<boolean> {
  return (await AccountModel.exists({ handleKey: handleKeyOf(handle) })) !== null;
}

/** Sign-ups of one handle at once in this process (one-writer-per-key.ts). */
const accountInserts = new OneWriterPerKey();

/** Inserts a new account; 'handle-taken' when the unique handle index refuses it. */
export async function insertAccount(record: NewAccountRecord): Promise<'inserted' | 'handle-taken'> {
  try {
    const { id, ...fields } = record;
    await accountInserts.run(handleKeyOf(record.handle.trim()), () => AccountModel.create({ _id: id, ...fields }));
    return 'inserted';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'handle-taken';
    throw error;
  }
}

/** The id and password hash of the account with this handle (case-insensitive), or null. */
export async function credentialsOf(handle: string): Promise<{ id: string; passwordHash: string } | null> {
  const account = await AccountModel.findOne({ handleKey: handleKeyOf(handle) }, { passwordHash: 1 }).lean();
  return account === null ? null : { id: account._id.toHexString(), passwordHash: account.passwordHash };
}

/** The stored account, or null (also for an id that is not an ObjectId: it names no account). */
export async function findAccount(accountId: string): Promise<Account | null> {
  if (!Types.ObjectId.isValid(accountId)) return null;
  return AccountModel.findById(accountId).lean();
}

/** Every account whose monthly budget is above `floor`: id -> budget (the flattr answer's snapshot, donor-funds.ts). */
export async function monthlyBudgetsOver(floor: bigint): Promise<Map<string, bigint>> {
  const rows = await AccountModel.find({}, { monthlyBudget: 1 }).lean();
  return new Map(rows.filter((row) => row.monthlyBudget > floor).map((row) => [row._id.toHexString(), row.monthlyBudget]));
}

/** The account's monthly budget, or null when there is no such account. */
export async function monthlyBudgetOf(accountId: string): Promise<bigint | null> {
  if (!Types.ObjectId.isValid(accountId)) return null;
  const account = await AccountModel.findById(accountId, { monthlyBudget: 1 }).lean();
  return account === null ? null : account.monthlyBudget;
}

/** The account's payout address: undefined when it has none, null when there is no such account. */
export async function payoutAddressOf(accountId: string): Promise<string | undefined | null> {
  if (!Types.ObjectId.isValid(accountId)) return null;
  const account = await AccountModel.findById(accountId, { payoutAddress: 1 }).lean();
  return account === null ? null : (account.payoutAddress ?? undefined);
}

/** The handle of an account, or null when there is no such account. */
export async function handleOf(accountId: string): Promise<string | null> {
  if (!Types.ObjectId.isValid(accountId)) return null;
  const account = await AccountModel.findById(accountId, { handle: 1 }).lean();
  return account?.handle ?? null;
}

/** The handles of the given accounts, by id (unknown or malformed ids are left out): one query. */
export async function handlesOf(accountIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(accountIds)].filter((id) => Types.ObjectId.isValid(id));
  if (ids.length === 0) return new Map();
  const accounts = await AccountModel.find({ _id: { $in: ids } }, { handle: 1 }).lean();
  return new Map(accounts.map((account) => [account._id.toHexString(), account.handle]));
}

/** Budgets and payout addresses of the given accounts (unknown or malformed ids are left out). */
export async function planAccounts(accountIds: readonly string[]): Promise<PlanAccount[]> {
  const ids = accountIds.filter((id) => Types.ObjectId.isValid(id));
  if (ids.length === 0) return [];
  const accounts = await AccountModel.find({ _id: { $in: ids } }, { monthlyBudget: 1, fiatBudget: 1, payoutAddress: 1 }).lean();
  return accounts.map((account) => ({ id: account._id.toHexString(), monthlyBudget: account.monthlyBudget, fiatBudget: fiatBudgetOf(account), payoutAddress: account.payoutAddress ?? null }));
}

/** Sets the monthly budget in coins (a fiat budget is dropped); false when there is no such account. */
export async function storeMonthlyBudget(accountId: string, budget: bigint): Promise<boolean> {
  const result = await AccountModel.updateOne({ _id: new Types.ObjectId(accountId) }, { $set: { monthlyBudget: budget }, $unset: { fiatBudget: 1 } });
  return result.matchedCount > 0;
}

/** Sets a budget in a fiat currency and its estimate in coins (kept when undefined); false when there is no such account. */
export async function storeFiatBudget(accountId: string, budget: FiatAmount, estimate: bigint | undefined): Promise<boolean> {
  const set = { fiatBudget: { currency: budget.currency, amount: budget.amount }, ...(estimate === undefined ? {} : { monthlyBudget: estimate }) };
  const result = await AccountModel.updateOne({ _id: new Types.ObjectId(accountId) }, { $set: set });
  return result.matchedCount > 0;
}

/** Sets the currency values are shown in; false when there is no such account. */
export async function storeDisplayCurrency(accountId: string, currency: FiatCurrency): Promise<boolean> {
  const result = await AccountModel.updateOne({ _id: new Types.ObjectId(accountId) }, { $set: { currency } });
  return result.matchedCount > 0;
}

/** An account's fiat settings: its budget in fiat and its display currency (null: none stored). */
export async function fiatSettingsOf(accountId: string): Promise<{ fiatBudget: FiatAmount | null; currency: FiatCurrency | null } | null> {
  if (!Types.ObjectId.isValid(accountId)) return null;
  const account = await AccountModel.findById(accountId, { fiatBudget: 1, currency: 1 }).lean();
  if (account === null) return null;
  return { fiatBudget: fiatBudgetOf(account), currency: isFiatCurrency(account.currency) ? account.currency : null };
}

function fiatBudgetOf(account: Pick<Account, 'fiatBudget'>): FiatAmount | null {
  const stored = account.fiatBudget;
  return stored && isFiatCurrency(stored.currency) ? { currency: stored.currency, amount: stored.amount } : null;
}

/** Sets the payout address; false when there is no such account. */
export async function storePayoutAddress(accountId: string, address: string): Promise<boolean> {
  const result = await AccountModel.updateOne({ _id: new Types.ObjectId(accountId) }, { $set: { payoutAddress: address } });
  return result.matchedCount > 0;
}

/** Where mail to an account goes: its address (confirmed or not) and language; null: no such account. */
export interface MailRecipient {
  handle: string;
  email: string | undefined;
  confirmed: boolean;
  locale: string | undefined;
}

export async function mailRecipientOf(accountId: string): Promise<MailRecipient | null> {
  if (!Types.ObjectId.isValid(accountId)) return null;
  const account = await AccountModel.findById(accountId, { handle: 1, email: 1, emailConfirmedAt: 1, mailLocale: 1 }).lean();
  if (account === null) return null;
  return {
    handle: account.handle,
    email: account.email ?? undefined,
    confirmed: account.email !== undefined && account.email !== null && account.emailConfirmedAt !== undefined && account.emailConfirmedAt !== null,
    locale: account.mailLocale ?? undefined,
  };
}

/** Gives the account a new, unconfirmed address (or the same one again, unconfirmed until its new link is used). */
export async function storeEmail(accountId: string, email: string, locale: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(accountId)) return false;
  const result = await AccountModel.updateOne({ _id: accountId }, { $set: { email, mailLocale: locale }, $unset: { emailConfirmedAt: 1 } });
  return result.matchedCount === 1;
}

/** Confirms the address when it is still the account's; false when the account moved on to another. */
export async function confirmEmail(accountId: string, email: string, now: Date): Promise<boolean> {
  if (!Types.ObjectId.isValid(accountId)) return false;
  const result = await AccountModel.updateOne({ _id: accountId, email }, { $set: { emailConfirmedAt: now } });
  return result.matchedCount === 1;
}

/** Removes the account's address: no more mail. */
export async function removeEmail(accountId: string): Promise<void> {
  if (!Types.ObjectId.isValid(accountId)) return;
  await AccountModel.updateOne({ _id: accountId }, { $unset: { email: 1, emailConfirmedAt: 1 } });
}

/** The accounts whose confirmed address this is (a person may keep several accounts on one address). */
export async function accountsWithConfirmedEmail(email: string): Promise<Array<{ id: string; handle: string; locale: string | undefined }>> {
  const rows = await AccountModel.find({ email, emailConfirmedAt: { $exists: true, $ne: null } }, { handle: 1, mailLocale: 1 }).lean();
  return rows.map((row) => ({ id: row._id.toString(), handle: row.handle, locale: row.mailLocale ?? undefined }));
}

export async function storePasswordHash(accountId: string, passwordHash: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(accountId)) return false;
  const result = await AccountModel.updateOne({ _id: accountId }, { $set: { passwordHash } });
  return result.matchedCount === 1;
}

import { Types } from 'mongoose';
import { checkAddress } from '../../chain/address';
import type { AddressDeriver } from '../../keys/hd';
import type { ChainProfile } from '../../chain/profiles';
import { pendingDepositsOfAccount, recordedDepositKeys } from '../wallet-watch/deposit-store';
import { mempoolDepositsOf } from '../wallet-watch/mempool';
import { isWalletAddress } from '../wallet-watch/wallet-addresses';
import { KibbleError } from '../../errors';
import { parseCoins } from '../../money/amount';
import { donorAccount } from '../../money/ledger';
import { accountBalance } from '../ledger/balances';
import { credentialsOf, findAccount, handleTaken as isHandleTaken, insertAccount, payoutAddressOf, storeMonthlyBudget, storePayoutAddress } from './account-store';
import { allocateDepositAddress } from './deposit-address';
import { forgetDonorFunds } from './donor-funds';
import { DEFAULT_PASSWORD_HASH_PARAMS, hashPassword, verifyAgainstDummy, verifyPassword, type PasswordHashParams } from './passwords';

/**
 * Accounts: sign-up, sign-in, and what a donor sees and changes about themselves. Plain data in,
 * plain data out (amounts as bigint); the HTTP layer formats. Every function takes the account
 * id it acts on from the caller's session, never from the request, so nobody reaches another's.
 */

/** Case-insensitive: "Alice" is accepted, and collides with "alice" through `handleKeyOf`. */
export const HANDLE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

const WRONG_CREDENTIALS = 'wrong handle or password';

export interface NewAccount {
  handle: string;
  password: string;
}

export interface AccountCreationDeps {
  deriver: AddressDeriver;
  passwordHashing?: PasswordHashParams;
}

export async function createAccount(input: NewAccount, deps: AccountCreationDeps, now: Date): Promise<{ id: string; handle: string }> {
  assertHandle(input.handle);
  assertPassword(input.password);
  // A cheap early answer for the common case; the unique index below is what decides a race,
  // at the cost of one unused deposit index (harmless: nobody is ever shown that address).
  if (await isHandleTaken(input.handle)) throw handleTaken(input.handle);
  const passwordHash = await hashPassword(input.password, deps.passwordHashing ?? DEFAULT_PASSWORD_HASH_PARAMS);
  const id = new Types.ObjectId();
  const deposit = await allocateDepositAddress(deps.deriver, id.toString(), now);
  const outcome = await insertAccount({ id, handle: input.handle, passwordHash, depositIndex: deposit.index, depositAddress: deposit.address, createdAt: now });
  if (outcome === 'handle-taken') throw handleTaken(input.handle);
  return { id: id.toString(), handle: input.handle };
}

/** The account id for a handle and password; one message for every failure, so handles stay private. */
export async function checkCredentials(handle: string, password: string, params?: PasswordHashParams): Promise<string> {
  const account = HANDLE_PATTERN.test(handle) ? await credentialsOf(handle) : null;
  if (account === null) {
    await verifyAgainstDummy(password, params);
    throw new KibbleError('unauthorized', WRONG_CREDENTIALS);
  }
  if (!(await verifyPassword(password, account.passwordHash))) throw new KibbleError('unauthorized', WRONG_CREDENTIALS);
  return account.id;
}

export interface PendingDeposit {
  txid: string;
  vout: number;
  amount: bigint;
  /** 0 in the mempool; undefined when the node's tip is unknown right now. */
  confirmations: number | undefined;
}

export interface AccountOverview {
  id: string;
  handle: string;
  depositAddress: string;
  monthlyBudget: bigint;
  balance: bigint;
  pendingDeposits: PendingDeposit[];
  /** The sum of `pendingDeposits`, in koinu. */
  pendingTotal: bigint;
  payoutAddress: string | undefined;
}

export interface OverviewDeps {
  deriver: AddressDeriver;
  /** Undefined when the node does not answer: the page still shows, without confirmations. */
  chainTip: () => Promise<number | undefined>;
}

export async function accountOverview(accountId: string, deps: OverviewDeps): Promise<AccountOverview> {
  const account = await findAccount(accountId);
  if (account === null) throw noSuchAccount();
  const [balance, pendingDeposits] = await Promise.all([accountBalance(donorAccount(accountId)), pendingDepositsOf(accountId, deps.chainTip)]);
  return {
    id: accountId,
    handle: account.handle,
    depositAddress: account.depositAddress ?? deps.deriver.depositAddress(account.depositIndex),
    monthlyBudget: account.monthlyBudget,
    balance,
    pendingDeposits,
    pendingTotal: pendingDeposits.reduce((sum, deposit) => sum + deposit.amount, 0n),
    payoutAddress: account.payoutAddress ?? undefined,
  };
}

/** Deposits in a block but not yet credited, then those still in the node's mempool. */
async function pendingDepositsOf(accountId: string, chainTip: () => Promise<number | undefined>): Promise<PendingDeposit[]> {
  const [inBlocks, inMempool, tip] = await Promise.all([
    pendingDepositsOfAccount(accountId),
    mempoolDepositsOf(accountId),
    chainTip(),
  ]);
  // The scanner may record a block before it refreshes the mempool: count such an output once.
  const recorded = inMempool.length === 0 ? new Set<string>() : await recordedDepositIds(inMempool.map((row) => row._id));
  return [
    ...inBlocks.map((row) => ({
      txid: row.txid,
      vout: row.vout,
      amount: row.amount,
      confirmations: tip === undefined ? undefined : Math.max(0, tip - row.blockHeight + 1),
    })),
    ...inMempool
      .filter((row) => !recorded.has(row._id))
      .map((row) => ({ txid: row.txid, vout: voutOf(row._id), amount: row.amount, confirmations: 0 })),
  ];
}

async function recordedDepositIds(ids: string[]): Promise<Set<string>> {
  return recordedDepositKeys(ids);
}

/** Mempool deposits are keyed `txid:vout`. */
function voutOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}

/** "0" pauses giving: no click is charged while the budget is zero. */
export async function setMonthlyBudget(accountId: string, text: string, chain: ChainProfile): Promise<bigint> {
  const budget = parseCoins(text, { maxMoney: chain.maxMoney, ticker: chain.ticker });
  if (!(await storeMonthlyBudget(accountId, budget))) throw noSuchAccount();
  forgetDonorFunds(accountId);
  return budget;
}

export interface PayoutAddressDeps {
  chain: ChainProfile;
  /** The service's fee address, refused like the wallet's own addresses. */
  feeAddress: string | undefined;
}

/**
 * Validated for the configured chain. The service's own addresses are refused: paying a creator
 * into the custody wallet would look like a deposit and move nothing (DESIGN.md section 3).
 */
export async function setPayoutAddress(accountId: string, address: string, deps: PayoutAddressDeps): Promise<string> {
  const check = checkAddress(deps.chain, address);
  if (!check.valid) {
    throw new KibbleError('address-invalid', `invalid ${deps.chain.name} address: ${check.message}`, { reason: check.reason });
  }
  if (address === deps.feeAddress || (await isWalletAddress(address))) {
    throw new KibbleError('address-invalid', 'this is one of the service\'s own addresses; give an address of your own wallet', {
      reason: 'own-address',
    });
  }
  if (!(await storePayoutAddress(accountId, address))) throw noSuchAccount();
  return address;
}

/** The account's payout address, undefined while it has none (the creator page shows it). */
export async function currentPayoutAddress(accountId: string): Promise<string | undefined> {
  const address = await payoutAddressOf(accountId);
  if (address === null) throw noSuchAccount();
  return address;
}

function assertHandle(handle: string): void {
  if (!HANDLE_PATTERN.test(handle)) {
    throw new KibbleError('validation-failed', 'handle: 3 to 32 characters of a-z, 0-9, "_" and "-"');
  }
}

function assertPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new KibbleError('validation-failed', `password: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
}

function noSuchAccount(): KibbleError {
  return new KibbleError('not-found', 'this account no longer exists');
}

function handleTaken(handle: string): KibbleError {
  return new KibbleError('handle-taken', `the handle "${handle}" is taken (handles are case-insensitive)`);
}

/**
 * The deposit address of the account with this handle (case-insensitive), for the embedded
 * stack's test coins (`kibble dev fund <handle>`): a handle is public, and so is where to pay it.
 */
export async function depositAddressOfHandle(handle: string, deriver: AddressDeriver): Promise<string> {
  const credentials = HANDLE_PATTERN.test(handle) ? await credentialsOf(handle) : null;
  const account = credentials === null ? null : await findAccount(credentials.id);
  if (account === null) throw new KibbleError('not-found', `no account with the handle "${handle.slice(0, 32)}"`);
  return account.depositAddress ?? deriver.depositAddress(account.depositIndex);
}

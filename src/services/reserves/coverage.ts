import { CUSTODY_ACCOUNT } from '../../money/ledger';
import { accountBalance } from '../ledger/balances';
import { walletHoldings } from '../settlement/wallet';

/**
 * Does the wallet cover what kibble owes? The ledger's custody account is the mirror of every
 * liability (donor balances, amounts owed to creators, platform fees not paid out), so what is
 * owed is minus its balance: one account's read, not a sum over every account. What is held is the
 * wallet's unspent outputs as the scanner saw them, less deposits not yet credited (those are owed
 * to nobody yet). A negative surplus is custody below liabilities (DESIGN.md invariant 2); it can
 * show briefly while a settlement's spends are seen on chain before its payout journal is written.
 */
export interface CustodyCoverage {
  held: bigint;
  uncreditedDeposits: bigint;
  liabilities: bigint;
  /** held - uncreditedDeposits - liabilities. */
  surplus: bigint;
}

export async function custodyCoverage(): Promise<CustodyCoverage> {
  const [holdings, custody] = await Promise.all([walletHoldings(), accountBalance(CUSTODY_ACCOUNT)]);
  const liabilities = -custody;
  return { held: holdings.unspent, uncreditedDeposits: holdings.uncreditedDeposits, liabilities, surplus: holdings.unspent - holdings.uncreditedDeposits - liabilities };
}

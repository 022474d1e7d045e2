import { donorAccount } from '../../money/ledger';
import { worthlessReasons, type DonorFunds, type WorthlessReason } from '../../money/flattr-worth';
import { accountBalance } from '../ledger/balances';
import { monthlyBudgetOf } from './account-store';

/**
 * For the flattr API's answer, on its hot path: whether the donor's flattrs are worth nothing yet.
 * The budget and balance are kept a few seconds per instance (a flattr burst reads them once);
 * this instance's budget changes forget them at once (forgetDonorFunds), a deposit credited
 * elsewhere shows within FUNDS_CACHE_MS.
 */
const FUNDS_CACHE_MS = 5_000;
const FUNDS_CACHE_MAX = 10_000;
const fundsCache = new Map<string, { funds: DonorFunds; at: number }>();

export async function worthlessReasonsOf(donorId: string, nowMs: number = Date.now()): Promise<WorthlessReason[]> {
  const cached = fundsCache.get(donorId);
  if (cached !== undefined && nowMs - cached.at < FUNDS_CACHE_MS) return worthlessReasons(cached.funds);
  const [monthlyBudget, balance] = await Promise.all([monthlyBudgetOf(donorId), accountBalance(donorAccount(donorId))]);
  const funds = { monthlyBudget: monthlyBudget ?? 0n, balance };
  if (fundsCache.size >= FUNDS_CACHE_MAX) {
    for (const [key, entry] of fundsCache) if (nowMs - entry.at >= FUNDS_CACHE_MS) fundsCache.delete(key);
    if (fundsCache.size >= FUNDS_CACHE_MAX) fundsCache.clear();
  }
  fundsCache.set(donorId, { funds, at: nowMs });
  return worthlessReasons(funds);
}

export function forgetDonorFunds(donorId: string): void {
  fundsCache.delete(donorId);
}

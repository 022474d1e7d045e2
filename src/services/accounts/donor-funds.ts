import { worthlessReasons, type DonorFunds, type WorthlessReason } from '../../money/flattr-worth';
import { donorAccount } from '../../money/ledger';
import { accountBalance, balancesByPrefix } from '../ledger/balances';
import { monthlyBudgetOf, monthlyBudgetsOver } from './account-store';

/**
 * For the flattr API's answer, on its hot path (bench:clicks): whether the donor's flattrs are
 * worth nothing yet. Reading one donor's budget and balance per flattr made the endpoint several
 * times slower on FerretDB (every query reads a whole collection), so each instance keeps a
 * snapshot of every donor with a budget and of every donor balance, read at most once per
 * SNAPSHOT_MS and only when a flattr asks. A donor whose budget this instance just changed is read
 * alone (forgetDonorFunds); changes made elsewhere (another instance, a deposit credited) show
 * within SNAPSHOT_MS. A donor missing from the snapshot has no budget and no balance.
 */
const SNAPSHOT_MS = 5_000;

interface Snapshot {
  at: number;
  funds: Promise<{ budgets: Map<string, bigint>; balances: Map<string, bigint> }>;
}

let snapshot: Snapshot | undefined;
/** Donors whose budget this instance changed after the snapshot was read: read alone until the next one. */
const changedSince = new Set<string>();

export async function worthlessReasonsOf(donorId: string, nowMs: number = Date.now()): Promise<WorthlessReason[]> {
  if (changedSince.has(donorId)) {
    const [monthlyBudget, balance] = await Promise.all([monthlyBudgetOf(donorId), accountBalance(donorAccount(donorId))]);
    return worthlessReasons({ monthlyBudget: monthlyBudget ?? 0n, balance });
  }
  const { budgets, balances } = await currentSnapshot(nowMs).funds;
  const funds: DonorFunds = { monthlyBudget: budgets.get(donorId) ?? 0n, balance: balances.get(donorAccount(donorId)) ?? 0n };
  return worthlessReasons(funds);
}

function currentSnapshot(nowMs: number): Snapshot {
  if (snapshot !== undefined && nowMs - snapshot.at < SNAPSHOT_MS) return snapshot;
  const funds = Promise.all([monthlyBudgetsOver(0n), balancesByPrefix(donorAccount(''))]).then(([budgets, balances]) => ({ budgets, balances }));
  const fresh: Snapshot = { at: nowMs, funds };
  snapshot = fresh;
  changedSince.clear();
  // A failed read is not kept: the next flattr tries again.
  funds.catch(() => {
    if (snapshot === fresh) snapshot = undefined;
  });
  return fresh;
}

export function forgetDonorFunds(donorId: string): void {
  changedSince.add(donorId);
}

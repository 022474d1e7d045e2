import { creatorAccount, donorAccount, PLATFORM_FEES_ACCOUNT } from '../../money/ledger';
import type { FiatAmount, FiatCurrency } from '../../money/fiat';
import { previousPeriod } from '../../money/period';
import type { ExpiringAllocation, PlanCreator, PlanDonor, PlanInput } from '../../money/settlement-plan';
import { planAccounts } from '../accounts/account-store';
import { periodClicksForPlan, type Click } from '../clicks/click-store';
import { orderForSettlement } from '../clicks/clicks';
import { accountBalance, balancesByPrefix } from '../ledger/balances';
import { unclaimedAllocationsOf } from './unclaimed-store';

export interface PlanSettings {
  serviceFeeBps: number;
  dustThreshold: bigint;
  unclaimedMonths: number;
  feeAddress: string | null;
}

/**
 * Everything the planner needs, read from the database: the period's counted clicks (plus, for a
 * dry run of a period not closed yet, the clicks its subscriptions would add), budgets and ledger
 * balances, creators' payout addresses and owed amounts, and the unclaimed allocations that expire.
 */
export async function loadPlanInput(period: string, settings: PlanSettings, extraClicks: readonly Click[] = []): Promise<PlanInput> {
  const stored = await periodClicksForPlan(period);
  const clicksByDonor = groupByDonor([...stored, ...extraClicks]);

  const [donorBalances, creatorBalances, platformFeeBefore] = await Promise.all([
    balancesByPrefix(donorAccount('')),
    balancesByPrefix(creatorAccount('')),
    accountBalance(PLATFORM_FEES_ACCOUNT),
  ]);
  const expiringRows = await unclaimedAllocationsOf(monthsBefore(period, settings.unclaimedMonths));

  const creatorIds = new Set<string>();
  for (const clicks of clicksByDonor.values()) for (const click of clicks) creatorIds.add(click.creatorId.toHexString());
  for (const [account, owed] of creatorBalances) if (owed !== 0n) creatorIds.add(account.slice(creatorAccount('').length));
  for (const row of expiringRows) creatorIds.add(row.creatorId);

  const accounts = await planAccounts([...new Set([...clicksByDonor.keys(), ...creatorIds])]);
  const accountById = new Map(accounts.map((account) => [account.id, account]));

  const donors: PlanDonor[] = [...clicksByDonor].map(([id, clicks]) => ({
    id,
    monthlyBudget: accountById.get(id)?.monthlyBudget ?? 0n,
    ...fiatOf(accountById.get(id)?.fiatBudget ?? null),
    balance: donorBalances.get(donorAccount(id)) ?? 0n,
    clickCreators: creatorsInSettlementOrder(clicks),
  }));
  const creators: PlanCreator[] = [...creatorIds].map((id) => ({
    id,
    payoutAddress: accountById.get(id)?.payoutAddress ?? null,
    owedBefore: creatorBalances.get(creatorAccount(id)) ?? 0n,
  }));
  const expiring: ExpiringAllocation[] = expiringRows.map((row) => ({ fromPeriod: row.period, donorId: row.donorId, creatorId: row.creatorId, amount: row.amount }));
  return {
    period,
    serviceFeeBps: settings.serviceFeeBps,
    dustThreshold: settings.dustThreshold,
    platformFeeBefore,
    feeAddress: settings.feeAddress,
    donors,
    creators,
    expiring,
  };
}

/**
 * The creators of a closed month's counted clicks per donor, in the order the planner took them
 * (the same read and order as loadPlanInput): what a month's allocations are rebuilt from.
 */
export async function periodClickCreatorsByDonor(period: string): Promise<Map<string, string[]>> {
  const byDonor = groupByDonor(await periodClicksForPlan(period));
  return new Map([...byDonor].map(([donorId, clicks]) => [donorId, creatorsInSettlementOrder(clicks)]));
}

type GroupedClick = Pick<Click, 'donorId' | 'creatorId' | 'source'>;

function groupByDonor(clicks: readonly GroupedClick[]): Map<string, GroupedClick[]> {
  const clicksByDonor = new Map<string, GroupedClick[]>();
  for (const click of clicks) {
    const donorId = click.donorId.toHexString();
    const list = clicksByDonor.get(donorId) ?? [];
    list.push(click);
    clicksByDonor.set(donorId, list);
  }
  return clicksByDonor;
}

function creatorsInSettlementOrder(clicks: readonly GroupedClick[]): string[] {
  return orderForSettlement(clicks).map((click) => click.creatorId.toHexString());
}

/** Only donors with a fiat budget carry the field, so coin-only months store what they did before. */
function fiatOf(fiatBudget: FiatAmount | null): { fiatBudget?: FiatAmount } {
  return fiatBudget === null ? {} : { fiatBudget };
}

/** The currencies of the input's fiat budgets: the prices planning needs. */
export function currenciesNeeded(input: PlanInput): FiatCurrency[] {
  const currencies = new Set<FiatCurrency>();
  for (const donor of input.donors) if (donor.fiatBudget) currencies.add(donor.fiatBudget.currency);
  return [...currencies].sort();
}

export function monthsBefore(period: string, months: number): string {
  let result = period;
  for (let i = 0; i < months; i++) result = previousPeriod(result);
  return result;
}

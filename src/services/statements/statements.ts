import { settlementStates } from '../settlement/settlement-store';
import { creatorStatement, type CreatorStatement } from './creator-statement';
import { donorStatement, type DonorStatement, type StatementSettings } from './donor-statement';

/** One account's statement of a month: as donor, and as creator when the month concerned them as one. */
export interface Statement {
  period: string;
  donor: DonorStatement;
  creator: CreatorStatement | null;
}

export type { StatementSettings };

export async function statementOf(accountId: string, period: string, settings: StatementSettings, tip: () => Promise<number | undefined>): Promise<Statement> {
  // One tip read for both halves.
  let tipRead: Promise<number | undefined> | undefined;
  const sharedTip = (): Promise<number | undefined> => (tipRead ??= tip());
  const donor = await donorStatement(accountId, period, settings, sharedTip);
  const creator = await creatorStatement(accountId, period, settings, sharedTip);
  const concernsCreator = creator.things.length > 0 || creator.carriedIn > 0n || creator.payouts.length > 0 || creator.returned > 0n;
  return { period: donor.period, donor, creator: concernsCreator ? creator : null };
}

/** Months that have a statement: their settlement was planned (a small read: one state per month). */
export async function statementPeriods(): Promise<Set<string>> {
  const rows = await settlementStates();
  return new Set(rows.filter((row) => row.state !== 'open' && row.state !== 'closed').map((row) => row.period));
}

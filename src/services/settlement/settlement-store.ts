import { isDuplicateKeyError } from '../../db/errors';
import { SETTLEMENT_STATES, SettlementModel, type Settlement, type SettlementState, type SettlementTransaction } from '../../db/settlement';
import { recordSettlementChanged } from './settlement-events';
import { SETTLEMENT_TRANSITIONS, transitionFilter, type SettlementTransition } from './transitions';

/**
 * The one owner of the settlements collection (one document per period, `_id` = the period): its
 * named reads, and its named moves, each an update filtered on the states it may start from
 * (transitions.ts). A move returns whether it happened: false means the settlement was not in a
 * state the move starts from (or does not exist) and nothing was written.
 */
export { SETTLEMENT_STATES };
export type { Settlement, SettlementState, SettlementTransaction };
export type SettlementSummary = NonNullable<Settlement['summary']>;
/** The month's allocation root and, once signed, the output carrying it (docs/proofs.md). */
export interface SettlementCommitment {
  root: string;
  txid?: string;
  vout?: number;
  checkedAt?: Date;
}

// ---------------------------------------------------------------------------------------------
// Reads

export async function findSettlement(period: string): Promise<Settlement | null> {
  return SettlementModel.findById(period).lean<Settlement>();
}

/** The settlement of a period known to exist (after a step wrote it). */
export async function requireSettlement(period: string): Promise<Settlement> {
  return SettlementModel.findById(period).orFail().lean<Settlement>();
}

/** Whether the period was closed (its settlement exists, in whatever state). */
export async function settlementExists(period: string): Promise<boolean> {
  return (await SettlementModel.exists({ _id: period })) !== null;
}

/** The state of a period's settlement; 'open' when it has none yet. */
export async function settlementStateOf(period: string): Promise<SettlementState> {
  const settlement = await SettlementModel.findById(period, { state: 1 }).lean<Pick<Settlement, 'state'>>();
  return settlement?.state ?? 'open';
}

/** Every settlement, newest period first. */
export async function settlementsNewestFirst(): Promise<Settlement[]> {
  return SettlementModel.find({}).sort({ _id: -1 }).lean<Settlement[]>();
}

/** Every settlement's period and state (no plan summaries, no transactions). */
export async function settlementStates(): Promise<Array<{ period: string; state: SettlementState }>> {
  const rows = await SettlementModel.find({}, { state: 1 }).lean<Array<Pick<Settlement, '_id' | 'state'>>>();
  return rows.map((row) => ({ period: row._id, state: row.state }));
}

/** Every settlement's period, state and last error, for the metrics. */
export async function settlementHealth(): Promise<Array<{ period: string; state: SettlementState; lastError: string | null }>> {
  const rows = await SettlementModel.find({}, { state: 1, lastError: 1 }).lean<Array<Pick<Settlement, '_id' | 'state' | 'lastError'>>>();
  return rows.map((row) => ({ period: row._id, state: row.state, lastError: typeof row.lastError === 'string' ? row.lastError : null }));
}

/** How far a period's settlement got in writing its allocation; null when it has none. */
export async function allocationProgressOf(period: string): Promise<{ state: SettlementState; allocationWritten: boolean } | null> {
  const row = await SettlementModel.findById(period, { state: 1, allocationWritten: 1 }).lean<Pick<Settlement, 'state' | 'allocationWritten'>>();
  return row === null ? null : { state: row.state, allocationWritten: row.allocationWritten === true };
}

/** Periods whose allocation root a signed transaction carries (their proofs can be issued). */
export async function committedPeriods(): Promise<Set<string>> {
  const rows = await SettlementModel.find({ 'commitment.txid': { $exists: true } }, { _id: 1 }).lean<Array<Pick<Settlement, '_id'>>>();
  return new Set(rows.map((row) => row._id));
}

/** Settlements whose transactions are out, oldest first: the confirmation follower's work. */
export async function broadcastSettlements(): Promise<Settlement[]> {
  return SettlementModel.find({ state: 'broadcast' }).sort({ _id: 1 }).lean<Settlement[]>();
}

/** Whether the period has a settlement that is not confirmed yet. */
export async function hasUnconfirmedSettlement(period: string): Promise<boolean> {
  return (await SettlementModel.exists({ _id: period, state: { $ne: 'confirmed' } })) !== null;
}

/** Whether some settlement stopped half-way: closed, planned or signed, not sent. */
export async function hasStoppedSettlement(): Promise<boolean> {
  return (await SettlementModel.exists({ state: { $in: ['closed', 'planned', 'signed'] } })) !== null;
}

/** Outpoints (`txid:vout`) spent by settlements signed or broadcast but not confirmed yet. */
export async function reservedOutpoints(): Promise<Set<string>> {
  const pending = await SettlementModel.find({ state: { $in: ['signed', 'broadcast'] } }, { transactions: 1 }).lean<Array<Pick<Settlement, 'transactions'>>>();
  return new Set(pending.flatMap((settlement) => settlement.transactions.flatMap((tx) => tx.inputs)));
}

/** The newest confirmed settlement's period, or null: the proof of reserves follows it. */
export async function latestConfirmedPeriod(): Promise<string | null> {
  const row = await SettlementModel.findOne({ state: 'confirmed' }, { _id: 1 }).sort({ _id: -1 }).lean<Pick<Settlement, '_id'>>();
  return row?._id ?? null;
}

/** A confirmed month as the public paydays show it: its summary and its transactions' ids and heights. */
export type ConfirmedSettlementRow = Pick<Settlement, '_id' | 'summary' | 'updatedAt' | 'commitment'> & {
  transactions: Array<Pick<SettlementTransaction, 'txid' | 'blockHeight' | 'confirmedAt'>>;
};

/**
 * Up to `limit` confirmed settlements before `before` (a period; all when undefined), newest first,
 * without the raw transactions: the read grows with the months asked for, not with history.
 */
export async function confirmedSettlementsBefore(before: string | undefined, limit: number): Promise<ConfirmedSettlementRow[]> {
  const filter = before === undefined ? { state: 'confirmed' } : { state: 'confirmed', _id: { $lt: before } };
  return SettlementModel.find(filter, { summary: 1, updatedAt: 1, 'transactions.txid': 1, 'transactions.blockHeight': 1, 'transactions.confirmedAt': 1, commitment: 1 })
    .sort({ _id: -1 })
    .limit(limit)
    .lean<ConfirmedSettlementRow[]>();
}

// ---------------------------------------------------------------------------------------------
// Moves

/**
 * open -> closed: creates the period's settlement. False when it already exists (closed before,
 * by this run or another): the `_id` is the period, so it is created once.
 */
export async function closeMonth(period: string, closing: { closedAt: Date; closedEarly: boolean }): Promise<boolean> {
  const at = closing.closedAt;
  await recordSettlementChanged(period, 'closed', at);
  try {
    await SettlementModel.create({ _id: period, period, state: 'closed', closedAt: at, closedEarly: closing.closedEarly, createdAt: at, updatedAt: at });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** closed: the subscription clicks are stored. */
export async function markSubscriptionClicksAdded(period: string, at: Date): Promise<boolean> {
  return move(period, 'subscriptionClicksAdded', { subscriptionClicksAdded: true }, at);
}

/** closed -> planned: the stored plan (its chunks' attempt) becomes the plan. */
export async function markPlanned(
  period: string, plan: { planAttempt: string; planChunks: number; summary: SettlementSummary; commitment?: SettlementCommitment | null }, at: Date,
): Promise<boolean> {
  const { commitment = null, ...rest } = plan;
  // A month without allocations commits to nothing: no root (a re-plan clears an old attempt's).
  const set = commitment === null ? { state: 'planned', ...rest } : { state: 'planned', ...rest, commitment };
  return move(period, 'planned', set, at, { clearError: true, ...(commitment === null ? { unset: ['commitment'] } : {}) });
}

/** planned: the allocation journal and the unclaimed allocations are written. */
export async function markAllocationWritten(period: string, at: Date): Promise<boolean> {
  return move(period, 'allocationWritten', { allocationWritten: true }, at);
}

/** planned: the PSBTs went out for offline signing; operators see "waiting for signatures". */
export async function markExportedForSigning(period: string, at: Date): Promise<boolean> {
  return move(period, 'exportedForSigning', { awaitingSignaturesSince: at }, at, { clearError: true });
}

/** planned -> signed: the signed transactions are stored, before any is sent; with them the output that carries the month's root. */
export async function markSigned(
  period: string, transactions: readonly SettlementTransaction[], at: Date, carrier?: { txid: string; vout: number },
): Promise<boolean> {
  const set: Record<string, unknown> = { state: 'signed', transactions };
  if (carrier !== undefined) Object.assign(set, { 'commitment.txid': carrier.txid, 'commitment.vout': carrier.vout });
  return move(period, 'signed', set, at, { clearError: true });
}

/** broadcast: the committed root was read back from the confirmed transaction that carries it. */
export async function markCommitmentChecked(period: string, at: Date): Promise<boolean> {
  return move(period, 'commitmentChecked', { 'commitment.checkedAt': at }, at);
}

/** signed or broadcast: the transactions' own states (sent, block height, confirmed). */
export async function recordTransactions(period: string, transactions: readonly SettlementTransaction[], at: Date): Promise<boolean> {
  return move(period, 'transactionsUpdated', { transactions }, at);
}

/** signed -> broadcast: every transaction was sent. */
export async function markBroadcast(period: string, at: Date): Promise<boolean> {
  return move(period, 'broadcast', { state: 'broadcast' }, at, { clearError: true });
}

/** broadcast -> confirmed: every transaction is confirmed and its payout journal written. */
export async function markConfirmed(period: string, at: Date): Promise<boolean> {
  return move(period, 'confirmed', { state: 'confirmed' }, at, { clearError: true });
}

/** Why the last step stopped, for operators, in whatever state (cleared by the next move forward). */
export async function recordLastError(period: string, message: string, at: Date): Promise<void> {
  await SettlementModel.updateOne({ _id: period }, { $set: { lastError: message, updatedAt: at } });
}

async function move(
  period: string, transition: SettlementTransition, set: Record<string, unknown>, at: Date, options: { clearError?: boolean; unset?: string[] } = {},
): Promise<boolean> {
  // The event first, in the same step: a crash before the update runs the step (and this) again.
  const to = SETTLEMENT_TRANSITIONS[transition].to;
  if (to !== null) await recordSettlementChanged(period, to, at);
  const unset = [...(options.clearError ? ['lastError'] : []), ...(options.unset ?? [])];
  const update = { $set: { ...set, updatedAt: at }, ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((field) => [field, 1])) } : {}) };
  const result = await SettlementModel.updateOne(transitionFilter(period, transition), update);
  return result.matchedCount === 1;
}

import type { SettlementState } from './settlement-store';

/**
 * The settlement's named moves (DESIGN.md section 5) and the states each may start from. The
 * store updates a settlement only through a filter on these states, so a move from any other state
 * (a second runner, a stale read, an operator's re-run) changes nothing and says so. Plain data,
 * so the table is tested without a database.
 *
 * open (no document) -> closed -> planned -> signed -> broadcast -> confirmed; the other moves
 * record progress inside a state and keep it.
 */
export const SETTLEMENT_TRANSITIONS = {
  /** The clicks of the subscriptions were stored: the last part of closing. */
  subscriptionClicksAdded: { from: ['closed'], to: null },
  /** The plan's chunks are stored and named; its summary kept for listings. */
  planned: { from: ['closed'], to: 'planned' },
  /** The allocation journal and the unclaimed allocations are written (before signing). */
  allocationWritten: { from: ['planned'], to: null },
  /** The signed transactions are stored, before anything is sent. */
  signed: { from: ['planned'], to: 'signed' },
  /** A transaction's own progress (sent, seen in a block, confirmed) while the month is out. */
  transactionsUpdated: { from: ['signed', 'broadcast'], to: null },
  /** Every transaction was sent. */
  broadcast: { from: ['signed'], to: 'broadcast' },
  /** The month's allocation root was read back from its confirmed carrying transaction. */
  commitmentChecked: { from: ['broadcast'], to: null },
  /** Every transaction is buried deep enough and its payout journal written. */
  confirmed: { from: ['broadcast'], to: 'confirmed' },
} as const satisfies Record<string, { from: readonly SettlementState[]; to: SettlementState | null }>;

export type SettlementTransition = keyof typeof SETTLEMENT_TRANSITIONS;

/** Whether `transition` may start from a settlement in `state` ('open': no document yet). */
export function mayMove(state: SettlementState, transition: SettlementTransition): boolean {
  return (SETTLEMENT_TRANSITIONS[transition].from as readonly SettlementState[]).includes(state);
}

/** The state after `transition` from `state` (the same state for the moves that stay). */
export function stateAfter(state: SettlementState, transition: SettlementTransition): SettlementState {
  return SETTLEMENT_TRANSITIONS[transition].to ?? state;
}

/** The update filter of a move: the period, in one of the states the move starts from. */
export function transitionFilter(period: string, transition: SettlementTransition): { _id: string; state: SettlementState | { $in: SettlementState[] } } {
  const from: readonly SettlementState[] = SETTLEMENT_TRANSITIONS[transition].from;
  return { _id: period, state: from.length === 1 ? (from[0] as SettlementState) : { $in: [...from] } };
}

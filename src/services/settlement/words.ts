import type { CreatorOutcome } from '../../money/settlement-plan';
import type { SettlementState, SettlementTransaction } from './settlement-store';

type SettlementTxState = SettlementTransaction['state'];

/**
 * The settlement's codes in words, for the pages (the API and the CLI's JSON keep the codes).
 * One table each, so a new code without words fails to compile. English for now; the i18n
 * catalogue will take these over.
 */
export const CREATOR_OUTCOME_WORDS: Readonly<Record<CreatorOutcome, string>> = {
  paid: 'paid',
  'below-dust': 'below the dust limit, carried to next month',
  'no-payout-address': 'no payout address yet, kept owed',
  'nothing-owed': 'nothing owed',
};

/** What each state means, shown after the state's name. */
export const SETTLEMENT_STATE_WORDS: Readonly<Record<SettlementState, string>> = {
  open: 'clicks still count in this month',
  closed: 'clicks frozen, not planned yet',
  planned: 'the plan is stored, nothing signed yet',
  signed: 'transactions signed and stored, not sent yet',
  broadcast: 'sent, waiting for confirmations',
  confirmed: 'every payout is confirmed on chain',
};

export const TRANSACTION_STATE_WORDS: Readonly<Record<SettlementTxState, string>> = {
  signed: 'signed, not sent yet',
  broadcast: 'sent, waiting for confirmations',
  confirmed: 'confirmed',
};

/** Words for a code from one of the tables; an unknown code (a newer writer) shows as itself. */
export function wordsFor(table: Readonly<Record<string, string>>, code: string): string {
  return Object.hasOwn(table, code) ? (table[code] ?? code) : code;
}

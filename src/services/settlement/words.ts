import type { MessageKey, Translator } from '../../i18n/translator';
import type { CreatorOutcome } from '../../money/settlement-plan';
import type { SettlementState, SettlementTransaction } from './settlement-store';

type SettlementTxState = SettlementTransaction['state'];

/**
 * The settlement's codes in words, for the pages (the API and the CLI's JSON keep the codes). The
 * words are in the `settlement` catalogue namespace, in every language; these tables map each
 * code to its keys, one table each, so a new code without words fails to compile.
 */
const CREATOR_OUTCOME_KEYS = {
  paid: 'settlement:outcome-paid',
  'below-dust': 'settlement:outcome-below-dust',
  'no-payout-address': 'settlement:outcome-no-payout-address',
  'nothing-owed': 'settlement:outcome-nothing-owed',
} as const satisfies Record<CreatorOutcome, MessageKey>;

/** A state's short name ("broadcast"), then what it means ("sent, waiting for confirmations"). */
const SETTLEMENT_STATE_KEYS = {
  open: ['settlement:state-open', 'settlement:state-open-words'],
  closed: ['settlement:state-closed', 'settlement:state-closed-words'],
  planned: ['settlement:state-planned', 'settlement:state-planned-words'],
  signed: ['settlement:state-signed', 'settlement:state-signed-words'],
  broadcast: ['settlement:state-broadcast', 'settlement:state-broadcast-words'],
  confirmed: ['settlement:state-confirmed', 'settlement:state-confirmed-words'],
} as const satisfies Record<SettlementState, readonly [MessageKey, MessageKey]>;

const TRANSACTION_STATE_KEYS = {
  signed: ['settlement:tx-signed', 'settlement:tx-signed-words'],
  broadcast: ['settlement:tx-broadcast', 'settlement:tx-broadcast-words'],
  confirmed: ['settlement:tx-confirmed', 'settlement:tx-confirmed-words'],
} as const satisfies Record<SettlementTxState, readonly [MessageKey, MessageKey]>;

/** The entry for a code; an unknown code (written by a newer kibble) has none and shows as itself. */
function entryOf<T>(table: Readonly<Record<string, T>>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

export function creatorOutcomeWords(tr: Translator, outcome: string): string {
  const key = entryOf<MessageKey>(CREATOR_OUTCOME_KEYS, outcome);
  return key === undefined ? outcome : tr.t(key);
}

export function settlementStateName(tr: Translator, state: string): string {
  const keys = entryOf<readonly [MessageKey, MessageKey]>(SETTLEMENT_STATE_KEYS, state);
  return keys === undefined ? state : tr.t(keys[0]);
}

export function settlementStateWords(tr: Translator, state: string): string {
  const keys = entryOf<readonly [MessageKey, MessageKey]>(SETTLEMENT_STATE_KEYS, state);
  return keys === undefined ? state : tr.t(keys[1]);
}

export function transactionStateName(tr: Translator, state: string): string {
  const keys = entryOf<readonly [MessageKey, MessageKey]>(TRANSACTION_STATE_KEYS, state);
  return keys === undefined ? state : tr.t(keys[0]);
}

export function transactionStateWords(tr: Translator, state: string): string {
  const keys = entryOf<readonly [MessageKey, MessageKey]>(TRANSACTION_STATE_KEYS, state);
  return keys === undefined ? state : tr.t(keys[1]);
}

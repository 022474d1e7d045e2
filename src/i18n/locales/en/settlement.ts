/**
 * The settlement's codes in words (services/settlement/words.ts keeps the code -> key tables):
 * a state's short name and what it means, a transaction's state, a creator's outcome.
 */
export default {
  'state-open': 'open',
  'state-closed': 'closed',
  'state-planned': 'planned',
  'state-signed': 'signed',
  'state-broadcast': 'broadcast',
  'state-confirmed': 'confirmed',
  'state-open-words': 'clicks still count in this month',
  'state-closed-words': 'clicks frozen, not planned yet',
  'state-planned-words': 'the plan is stored, nothing signed yet',
  'state-signed-words': 'transactions signed and stored, not sent yet',
  'state-broadcast-words': 'sent, waiting for confirmations',
  'state-confirmed-words': 'every payout is confirmed on chain',
  'tx-signed': 'signed',
  'tx-broadcast': 'broadcast',
  'tx-confirmed': 'confirmed',
  'tx-signed-words': 'signed, not sent yet',
  'tx-broadcast-words': 'sent, waiting for confirmations',
  'tx-confirmed-words': 'confirmed',
  'outcome-paid': 'paid',
  'outcome-below-dust': 'below the dust limit, carried to next month',
  'outcome-no-payout-address': 'no payout address yet, kept owed',
  'outcome-nothing-owed': 'nothing owed',
};

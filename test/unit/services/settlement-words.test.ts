import { CREATOR_OUTCOME_WORDS, SETTLEMENT_STATE_WORDS, TRANSACTION_STATE_WORDS, wordsFor } from '../../../src/services/settlement/words';
import { SETTLEMENT_STATES, SETTLEMENT_TX_STATES } from '../../../src/db/settlement';

describe('the settlement codes in words (operator pages)', () => {
  it('words every creator outcome, none of them the bare code except "paid"', () => {
    expect(CREATOR_OUTCOME_WORDS).toEqual({
      paid: 'paid',
      'below-dust': 'below the dust limit, carried to next month',
      'no-payout-address': 'no payout address yet, kept owed',
      'nothing-owed': 'nothing owed',
    });
  });

  it('words every settlement and transaction state', () => {
    expect(Object.keys(SETTLEMENT_STATE_WORDS).sort()).toEqual([...SETTLEMENT_STATES].sort());
    expect(Object.keys(TRANSACTION_STATE_WORDS).sort()).toEqual([...SETTLEMENT_TX_STATES].sort());
    for (const words of [...Object.values(SETTLEMENT_STATE_WORDS), ...Object.values(TRANSACTION_STATE_WORDS)]) expect(words).toMatch(/^[a-z][a-z ,]+$/);
  });

  it('shows an unknown code as itself rather than nothing', () => {
    expect(wordsFor(CREATOR_OUTCOME_WORDS, 'below-dust')).toBe('below the dust limit, carried to next month');
    expect(wordsFor(CREATOR_OUTCOME_WORDS, 'some-new-outcome')).toBe('some-new-outcome');
    expect(wordsFor(CREATOR_OUTCOME_WORDS, 'toString')).toBe('toString');
  });
});

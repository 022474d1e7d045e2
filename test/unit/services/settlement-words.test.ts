import { translatorFor } from '../../../src/i18n/translator';
import type { CreatorOutcome } from '../../../src/money/settlement-plan';
import { creatorOutcomeWords, settlementStateName, settlementStateWords, transactionStateName, transactionStateWords } from '../../../src/services/settlement/words';
import { SETTLEMENT_STATES, SETTLEMENT_TX_STATES } from '../../../src/db/settlement';

const CREATOR_OUTCOMES: readonly CreatorOutcome[] = ['paid', 'below-dust', 'no-payout-address', 'nothing-owed'];

describe('the settlement codes in words (operator pages)', () => {
  const en = translatorFor('en');
  const fr = translatorFor('fr');

  it('words every creator outcome in English and French, none of them the bare code except "paid" in English', () => {
    expect(Object.fromEntries(CREATOR_OUTCOMES.map((outcome) => [outcome, creatorOutcomeWords(en, outcome)]))).toEqual({
      paid: 'paid',
      'below-dust': 'below the dust limit, carried to next month',
      'no-payout-address': 'no payout address yet, kept owed',
      'nothing-owed': 'nothing owed',
    });
    expect(creatorOutcomeWords(fr, 'below-dust')).toBe('sous le seuil de poussière, reporté au mois suivant');
    for (const outcome of CREATOR_OUTCOMES) expect(creatorOutcomeWords(fr, outcome)).not.toBe(outcome);
  });

  it('names and words every settlement and transaction state, in each language', () => {
    for (const tr of [en, fr]) {
      for (const state of SETTLEMENT_STATES) {
        expect(settlementStateName(tr, state)).toMatch(/^\p{Ll}[\p{L} ]+$/u);
        expect(settlementStateWords(tr, state)).toMatch(/^\p{Ll}[\p{L} ,']+$/u);
      }
      for (const state of SETTLEMENT_TX_STATES) {
        expect(transactionStateName(tr, state)).toMatch(/^\p{Ll}[\p{L} ]+$/u);
        expect(transactionStateWords(tr, state)).toMatch(/^\p{Ll}[\p{L} ,']+$/u);
      }
    }
    // English names are the codes the CLI and the API print; French ones are French.
    for (const state of SETTLEMENT_STATES) expect(settlementStateName(en, state)).toBe(state);
    expect(settlementStateName(fr, 'broadcast')).toBe('diffusé');
    expect(settlementStateWords(fr, 'confirmed')).toBe('chaque paiement est confirmé sur la chaîne');
    expect(transactionStateWords(en, 'broadcast')).toBe('sent, waiting for confirmations');
  });

  it('shows an unknown code as itself rather than nothing', () => {
    expect(creatorOutcomeWords(fr, 'some-new-outcome')).toBe('some-new-outcome');
    expect(creatorOutcomeWords(en, 'toString')).toBe('toString');
    expect(settlementStateName(fr, 'archived')).toBe('archived');
    expect(settlementStateWords(en, '__proto__')).toBe('__proto__');
    expect(transactionStateWords(fr, 'replaced')).toBe('replaced');
  });
});

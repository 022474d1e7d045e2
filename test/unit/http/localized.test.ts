import { KibbleError } from '../../../src/errors';
import { coinsText, operatorErrorText } from '../../../src/http/pages/localized';
import { translatorFor } from '../../../src/i18n/translator';

const en = translatorFor('en');
const fr = translatorFor('fr');

describe('coinsText: a view decimal coin string in the locale', () => {
  it('keeps every koinu, groups and uses the decimal sign of the locale', () => {
    expect(coinsText(en, '1234.5', 'DOGE')).toBe('1,234.5\u00a0DOGE');
    expect(coinsText(fr, '1234.5', 'DOGE')).toBe('1\u202f234,5\u00a0DOGE');
    // Above 2^53 koinu: no float on the way.
    expect(coinsText(fr, '92233720368.54775807')).toBe('92\u202f233\u202f720\u202f368,54775807');
    expect(coinsText(en, '-0.00000001')).toBe('-0.00000001');
    expect(coinsText(en, '0', 'DOGE')).toBe('0\u00a0DOGE');
  });

  it('refuses what formatCoins never writes, rather than showing a wrong amount', () => {
    for (const text of ['1,5', '1 234', '', '1e8', '0.000000001']) expect(() => coinsText(en, text)).toThrow(KibbleError);
  });
});

describe('operatorErrorText', () => {
  it('is the specific message in English, and the code\'s message followed by it elsewhere', () => {
    const error = new KibbleError('conflict', '2026-05 has no signed transactions waiting to confirm (state: open)');
    expect(operatorErrorText(en, error)).toBe(error.message);
    expect(operatorErrorText(fr, error)).toBe("Cela contredit l'état actuel ; rechargez puis réessayez. (2026-05 has no signed transactions waiting to confirm (state: open))");
  });
});

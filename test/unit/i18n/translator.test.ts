import { translatorFor } from '../../../src/i18n/translator';
import { localizedErrorMessage } from '../../../src/i18n/error-messages';

const en = translatorFor('en');
const fr = translatorFor('fr');

describe('translatorFor', () => {
  it('translates by namespace and key, outside any request', () => {
    expect(en.t('common:nav.signIn')).toBe('Sign in');
    expect(fr.t('common:nav.signIn')).toBe('Se connecter');
    expect(fr.locale).toBe('fr');
  });

  it('interpolates without HTML-escaping (the pages escape once, in html``)', () => {
    expect(fr.t('errors:amount-too-large', { maximum: '<1 000>' })).toBe('Ce montant dépasse le maximum de <1 000>.');
    expect(en.t('errors:amount-too-precise', { maxDecimals: 8n })).toBe('Too many decimals: at most 8 are allowed.');
  });

  it("picks plural forms by each language's rules (Intl.PluralRules: French 0 is singular)", () => {
    expect([0, 1, 2].map((count) => en.t('common:flattrs.count', { count }))).toEqual(['0 flattrs', '1 flattr', '2 flattrs']);
    expect([0, 1, 2].map((count) => fr.t('common:flattrs.count', { count }))).toEqual(['0 flattr', '1 flattr', '2 flattrs']);
    expect(fr.t('common:flattrs.count', { count: 1n })).toBe('1 flattr');
  });

  it('knows which run-time keys exist', () => {
    expect(fr.has('errors:not-found')).toBe(true);
    expect(fr.has('errors:no-such-code')).toBe(false);
    expect(fr.tDynamic('errors:not-found')).toBe('Introuvable.');
  });

  it('formats amounts, numbers, dates and months per locale', () => {
    expect(fr.formatAmount(105n * 10n ** 7n, { ticker: 'DOGE' })).toBe('10,5\u00a0DOGE');
    expect(en.formatNumber(1234.5)).toBe('1,234.5');
    expect(fr.formatDate(new Date('2026-12-06T23:30:00Z'))).toBe('6 déc. 2026');
    expect(en.formatDate(new Date('2026-12-06T23:30:00Z'), 'dateTime')).toBe('Dec 6, 2026, 11:30 PM UTC');
    expect(fr.formatPeriod('2026-12')).toBe('décembre 2026');
    expect(en.formatPeriod('2026-12')).toBe('December 2026');
    expect(en.formatPeriod('not a month')).toBe('not a month');
  });
});

describe('localizedErrorMessage', () => {
  const tooLarge = { code: 'amount-too-large' as const, message: 'amount "99999999999" is above the maximum of 10000000000 DOGE', details: { maximum: '10000000000' } };

  it('keeps the specific English message in English', () => {
    expect(localizedErrorMessage(en, tooLarge)).toBe(tooLarge.message);
  });

  it("uses the code's message in French, with the details filled in", () => {
    expect(localizedErrorMessage(fr, tooLarge)).toBe('Ce montant dépasse le maximum de 10000000000.');
    expect(localizedErrorMessage(fr, { code: 'forbidden', message: 'x' }, 'csrf-refused')).toMatch(/^Ce formulaire a expiré/);
  });
});

import fc from 'fast-check';
import { COIN, formatCoins } from '../../../src/money/amount';
import { decimalSeparator, formatAmount } from '../../../src/i18n/format';
import { LOCALES } from '../../../src/i18n/locale';

const NNBSP = '\u202f';

describe('formatAmount', () => {
  it.each([
    ['en', 0n, '0'],
    ['fr', 0n, '0'],
    ['en', 1n, '0.00000001'],
    ['fr', 1n, '0,00000001'],
    ['en', 1_234_567n * COIN + 50_000_000n, '1,234,567.5'],
    ['fr', 1_234_567n * COIN + 50_000_000n, `1${NNBSP}234${NNBSP}567,5`],
    ['en', -50_000_000n, '-0.5'],
    ['fr', -COIN, '-1'],
  ] as const)('%s %s -> %j', (locale, units, expected) => {
    expect(formatAmount(locale, units)).toBe(expected);
  });

  it('adds the unit after a no-break space and pads fraction digits on request', () => {
    expect(formatAmount('en', 5n * COIN, { ticker: 'DOGE', minimumFractionDigits: 2 })).toBe('5.00\u00a0DOGE');
    expect(formatAmount('fr', 123_456_789n, { minimumFractionDigits: 2 })).toBe('1,23456789');
  });

  it('is exact far above 2^53 koinu: removing the grouping gives the canonical amount back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.constantFrom(...LOCALES), (units, locale) => {
        const shown = formatAmount(locale, units)
          .replace(/[,\u202f\u00a0 ]/g, (char) => (char === decimalSeparator(locale) ? '.' : ''))
          .replace('\u2212', '-');
        expect(shown).toBe(formatCoins(units));
      }),
    );
  });
});

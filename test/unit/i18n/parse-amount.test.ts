import fc from 'fast-check';
import { isKibbleError } from '../../../src/errors';
import { COIN, formatCoins } from '../../../src/money/amount';
import { parseLocalizedCoins } from '../../../src/i18n/parse-amount';

const LIMITS = { maxMoney: 10_000_000_000n * COIN, ticker: 'DOGE' };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return isKibbleError(error) ? error.code : 'not a KibbleError';
  }
}

describe('parseLocalizedCoins', () => {
  it.each([
    ['fr', '10,5', 1_050_000_000n],
    ['fr', '10.5', 1_050_000_000n],
    ['fr', ' 0,00000001 ', 1n],
    ['fr', '12', 12n * COIN],
    ['en', '10.5', 1_050_000_000n],
    ['en', '\t7\n', 7n * COIN],
  ] as const)('%s %j -> %s', (locale, text, units) => {
    expect(parseLocalizedCoins(text, locale, LIMITS)).toBe(units);
  });

  it.each([
    ['en', '10,5', 'amount-invalid'],
    ['fr', '1 000,5', 'amount-invalid'],
    ['fr', '1\u202f000', 'amount-invalid'],
    ['fr', '1\u00a0000,5', 'amount-invalid'],
    ['fr', '1.000,5', 'amount-invalid'],
    ['fr', '1,000,5', 'amount-invalid'],
    ['fr', ',5', 'amount-invalid'],
    ['fr', '5,', 'amount-invalid'],
    ['fr', '-1,5', 'amount-invalid'],
    ['fr', '', 'amount-invalid'],
    ['fr', '0,000000001', 'amount-too-precise'],
    ['fr', '10000000000,00000001', 'amount-too-large'],
  ] as const)('%s %j is refused as %s', (locale, text, code) => {
    expect(codeOf(() => parseLocalizedCoins(text, locale, LIMITS))).toBe(code);
  });

  it('refuses what is not a string as the strict parser does', () => {
    expect(codeOf(() => parseLocalizedCoins(10.5, 'fr', LIMITS))).toBe('amount-invalid');
  });

  it('reads back every amount written with the French decimal comma, and the canonical form in both', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: LIMITS.maxMoney }), (units) => {
        const canonical = formatCoins(units);
        expect(parseLocalizedCoins(canonical.replace('.', ','), 'fr', LIMITS)).toBe(units);
        expect(parseLocalizedCoins(canonical, 'fr', LIMITS)).toBe(units);
        expect(parseLocalizedCoins(canonical, 'en', LIMITS)).toBe(units);
      }),
    );
  });

  it('never accepts anything the strict parser would not accept once the comma is a dot', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', ',', '.', ' ', '-', 'e') , maxLength: 12 }), (text) => {
        const strict = codeOf(() => parseLocalizedCoins(text.trim().replace(',', '.'), 'en', LIMITS));
        if (strict !== undefined) expect(codeOf(() => parseLocalizedCoins(text, 'fr', LIMITS))).toBeDefined();
      }),
    );
  });
});

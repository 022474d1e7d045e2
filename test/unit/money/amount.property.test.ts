import fc from 'fast-check';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';
import { KibbleError } from '../../../src/errors';
import { COIN, formatCoins, parseCoins } from '../../../src/money/amount';

const MAX_MONEY = CHAIN_PROFILES.dogecoin.maxMoney;
const LIMITS = { maxMoney: MAX_MONEY, ticker: 'DOGE' };
const AMOUNT_CODES = ['amount-invalid', 'amount-too-precise', 'amount-too-large'];

/**
 * The grammar, written independently of the implementation, as the oracle: accepted inputs must
 * match it and matching inputs must never be rejected as malformed.
 */
const ORACLE_GRAMMAR = /^(0|[1-9][0-9]*)(\.[0-9]{1,8})?$/;

const digit = fc.constantFrom(...'0123456789'.split(''));
const nonZeroDigit = fc.constantFrom(...'123456789'.split(''));
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: digit, minLength: min, maxLength: max });

/** Whole part of at most 10 digits, so always below Dogecoin's 10^10-coin maximum. */
const wholePart = fc.oneof(
  fc.constant('0'),
  fc.tuple(nonZeroDigit, digits(0, 9)).map(([first, rest]) => first + rest),
);

/** What formatCoins produces: no trailing zero in the fraction, no lone dot. */
const canonicalAmount = fc
  .tuple(wholePart, fc.option(fc.tuple(digits(0, 7), nonZeroDigit), { nil: undefined }))
  .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction.join('')}`));

/** Anything parseCoins must accept, trailing fraction zeros included ("1.50"). */
const acceptedAmount = fc
  .tuple(wholePart, fc.option(digits(1, 8), { nil: undefined }))
  .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`));

/** Characters near the grammar's edges, so random strings often get close to valid. */
const BROAD_ALPHABET = [
  ...'0000123456789....',
  ...'+-eExXoObB,_\' $',
  '\u00a0', '\u200b', '\ufeff', '\u2212', '\t', '\n',
  '\u0663', '\uff11', '\u0967', '\uff0e',
];

function signOf(n: bigint | number): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

/** Compares two grammar-valid decimal strings by value using text alone. */
function compareDecimalText(a: string, b: string): number {
  const [aWhole = '', aFraction = ''] = a.split('.');
  const [bWhole = '', bFraction = ''] = b.split('.');
  if (aWhole.length !== bWhole.length) {
    return signOf(aWhole.length - bWhole.length);
  }
  const left = aWhole + aFraction.padEnd(8, '0');
  const right = bWhole + bFraction.padEnd(8, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The amount code parseCoins threw, or undefined when it returned; other errors propagate. */
function amountCodeOf(input: string): string | undefined {
  try {
    parseCoins(input, LIMITS);
    return undefined;
  } catch (error) {
    if (error instanceof KibbleError && AMOUNT_CODES.includes(error.code)) {
      return error.code;
    }
    throw error;
  }
}

/**
 * parseCoins must either return a consistent value or throw one of the three amount codes.
 * Returns a boolean rather than calling expect(): fast-check reports the shrunk input, and jest
 * matchers in a loop of thousands cost more than the code under test.
 */
function parseOutcomeIsConsistent(input: string): boolean {
  const code = amountCodeOf(input);
  if (code !== undefined) {
    // Well-formed text may only fail on size (the oracle already excludes too many decimals).
    return !ORACLE_GRAMMAR.test(input) || code === 'amount-too-large';
  }
  const units = parseCoins(input, LIMITS);
  return (
    ORACLE_GRAMMAR.test(input) &&
    units >= 0n &&
    units <= MAX_MONEY &&
    parseCoins(formatCoins(units), LIMITS) === units
  );
}

describe('amount properties', () => {
  test('parseCoins(formatCoins(n)) === n for every n in 0..maxMoney', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY }), (n) => {
        return parseCoins(formatCoins(n), LIMITS) === n;
      }),
      { numRuns: 5000 },
    );
  });

  test('formatCoins(parseCoins(s)) === s for every canonical string', () => {
    fc.assert(
      fc.property(canonicalAmount, (s) => formatCoins(parseCoins(s, LIMITS)) === s),
      { numRuns: 5000 },
    );
  });

  test('every grammar-valid string parses, to the value its digits say', () => {
    fc.assert(
      fc.property(acceptedAmount, (s) => {
        const [whole = '', fraction = ''] = s.split('.');
        return parseCoins(s, LIMITS) === BigInt(whole + fraction.padEnd(8, '0'));
      }),
      { numRuns: 3000 },
    );
  });

  test('parsing preserves order: text comparison and unit comparison agree', () => {
    fc.assert(
      fc.property(acceptedAmount, acceptedAmount, (a, b) => {
        const byUnits = signOf(parseCoins(a, LIMITS) - parseCoins(b, LIMITS));
        return byUnits === compareDecimalText(a, b);
      }),
      { numRuns: 3000 },
    );
  });

  test('anything above maxMoney is amount-too-large, however it is written', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: MAX_MONEY + 1n, max: MAX_MONEY * 1000n }), (n) => {
        return amountCodeOf(formatCoins(n)) === 'amount-too-large';
      }),
      { numRuns: 2000 },
    );
  });

  test('strings from a broad alphabet: consistent value or an amount error, nothing else', () => {
    const unit = fc.constantFrom(...BROAD_ALPHABET);
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), parseOutcomeIsConsistent),
      { numRuns: 5000 },
    );
  });

  test('digit-and-dot strings reach every outcome, including too precise and too large', () => {
    // Digits, an optional dot, digits: empty parts, leading zeros, 9+ decimals and 11+ whole
    // digits all come up, which random characters almost never produce.
    // size 'max': fast-check otherwise keeps strings short, and too-large needs 11+ digits.
    const anyDigits = (maxLength: number): fc.Arbitrary<string> =>
      fc.string({ unit: digit, maxLength, size: 'max' });
    const nearMiss = fc
      .tuple(anyDigits(13), fc.option(anyDigits(11), { nil: undefined }))
      .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`));
    const outcomes = new Set<string | undefined>();
    fc.assert(
      fc.property(nearMiss, (input) => {
        outcomes.add(amountCodeOf(input));
        return parseOutcomeIsConsistent(input);
      }),
      { numRuns: 5000 },
    );
    // Guards the generator: a property that never reaches an outcome proves nothing about it.
    expect([...outcomes].sort()).toEqual([...AMOUNT_CODES, undefined].sort());
  });

  test('arbitrary Unicode strings: consistent value or an amount error, nothing else', () => {
    // Any code point, lone surrogates included (a JSON body can carry "\ud800"). Built by hand:
    // fast-check's 'binary' unit spends over a second building its tables on first use.
    const unit = fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), parseOutcomeIsConsistent),
      { numRuns: 3000 },
    );
  });

  test('negative amounts format with a leading minus and are never parsed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_MONEY }), (n) => {
        const text = formatCoins(-n);
        return text === `-${formatCoins(n)}` && amountCodeOf(text) === 'amount-invalid';
      }),
      { numRuns: 2000 },
    );
  });

  test('whole coins format without a fraction', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY / COIN }), (whole) => {
        return formatCoins(whole * COIN) === whole.toString();
      }),
      { numRuns: 1000 },
    );
  });
});

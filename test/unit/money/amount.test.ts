import vectors from '../../fixtures/amounts.json';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';
import {
  COIN,
  formatCoins,
  formatCoinsWithTicker,
  parseCoins,
} from '../../../src/money/amount';
import { kibbleErrorFrom, showInvisible } from '../../support/errors';

interface AmountFixture {
  maxMoney: string;
  valid: ReadonlyArray<{ input: string; units: string; maxMoney?: string; note?: string }>;
  invalid: ReadonlyArray<{ input: unknown; code: string; maxMoney?: string; note?: string }>;
}

const fixture: AmountFixture = vectors;
const DOGE_LIMITS = { maxMoney: BigInt(fixture.maxMoney), ticker: 'DOGE' };

function limitsFor(maxMoney: string | undefined): { maxMoney: bigint; ticker: string } {
  return maxMoney === undefined ? DOGE_LIMITS : { maxMoney: BigInt(maxMoney), ticker: 'DOGE' };
}

describe('parseCoins vectors (test/fixtures/amounts.json)', () => {
  test.each(fixture.valid.map((v) => [showInvisible(v.input), v] as const))('accepts %s', (_name, v) => {
    expect(parseCoins(v.input, limitsFor(v.maxMoney))).toBe(BigInt(v.units));
  });

  test.each(fixture.invalid.map((v) => [showInvisible(v.input), v.code, v] as const))(
    'rejects %s with %s',
    (_name, code, v) => {
      expect(kibbleErrorFrom(() => parseCoins(v.input, limitsFor(v.maxMoney))).code).toBe(code);
    },
  );
});

describe('parseCoins messages', () => {
  // The vectors assert codes only; these pin the few phrases clients and users rely on.
  test('a number is refused with advice to send a string', () => {
    expect(kibbleErrorFrom(() => parseCoins(12.5, DOGE_LIMITS)).message).toMatch(/strings/);
  });

  test('whitespace is named, and invisible characters are shown escaped', () => {
    const error = kibbleErrorFrom(() => parseCoins('1\u200b', DOGE_LIMITS));
    expect(error.message).toMatch(/whitespace is not allowed/);
    expect(error.message).toContain('"1\\u{200B}"');
  });

  test('too large states the maximum in coins with the ticker', () => {
    const error = kibbleErrorFrom(() => parseCoins('10000000001', DOGE_LIMITS));
    expect(error.message).toContain('10000000000 DOGE');
  });

  test('quotes cannot break out of the message or forge a log line', () => {
    const error = kibbleErrorFrom(() => parseCoins('1"\n{"level":60}', DOGE_LIMITS));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('"1\\"\\u{000A}{\\"level\\":60}"');
  });

  test('long input is truncated in the message', () => {
    const error = kibbleErrorFrom(() => parseCoins('9'.repeat(100_000), DOGE_LIMITS));
    expect(error.code).toBe('amount-too-large');
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain('100000 characters');
  });
});

describe('parseCoins on very long input stays fast', () => {
  const MILLION = 1_000_000;
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['a million digits', '1'.repeat(MILLION), 'amount-too-large'],
    ['a million fraction digits', `0.${'0'.repeat(MILLION)}`, 'amount-too-precise'],
    ['a million digits then a letter', `${'1'.repeat(MILLION)}x`, 'amount-invalid'],
    ['a million spaces', ' '.repeat(MILLION), 'amount-invalid'],
    ['a million dots', '.'.repeat(MILLION), 'amount-invalid'],
    ['a million digit-e pairs', '1e'.repeat(MILLION), 'amount-invalid'],
  ];

  test.each(cases)('%s', (_name, input, code) => {
    const started = performance.now();
    expect(kibbleErrorFrom(() => parseCoins(input, DOGE_LIMITS)).code).toBe(code);
    // Generous bound for slow CI; a quadratic path would take seconds.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('formatCoins', () => {
  const cases: ReadonlyArray<readonly [bigint, string]> = [
    [0n, '0'],
    [1n, '0.00000001'],
    [10n, '0.0000001'],
    [10_000_000n, '0.1'],
    [COIN, '1'],
    [150_000_000n, '1.5'],
    [1_250_000_000n, '12.5'],
    [100n * COIN, '100'],
    [9_007_199_254_740_993n, '90071992.54740993'],
    [CHAIN_PROFILES.dogecoin.maxMoney, '10000000000'],
    [-1n, '-0.00000001'],
    [-150_000_000n, '-1.5'],
    [-COIN, '-1'],
  ];

  test.each(cases)('%p -> %s', (units, text) => {
    expect(formatCoins(units)).toBe(text);
  });

  test('negative output is for display only: parseCoins refuses it', () => {
    expect(kibbleErrorFrom(() => parseCoins(formatCoins(-5n), DOGE_LIMITS)).code).toBe(
      'amount-invalid',
    );
  });

  test('formatCoinsWithTicker appends the chain ticker', () => {
    expect(formatCoinsWithTicker(1_250_000_000n, CHAIN_PROFILES.dogecoin)).toBe('12.5 DOGE');
    expect(formatCoinsWithTicker(1n, CHAIN_PROFILES.litecoin)).toBe('0.00000001 LTC');
  });
});

describe('parseCoins with chain profiles as limits', () => {
  test('a ChainProfile can be passed directly and its own maxMoney applies', () => {
    expect(parseCoins('84000000', CHAIN_PROFILES.litecoin)).toBe(84_000_000n * COIN);
    const error = kibbleErrorFrom(() => parseCoins('84000001', CHAIN_PROFILES.litecoin));
    expect(error.code).toBe('amount-too-large');
    expect(error.message).toContain('84000000 LTC');
  });

  test('without a ticker the maximum is stated in coins', () => {
    const error = kibbleErrorFrom(() => parseCoins('2', { maxMoney: COIN }));
    expect(error.message).toContain('maximum of 1 coins');
  });
});

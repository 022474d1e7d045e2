import { KibbleError } from '../errors';

/**
 * Amounts are bigint counts of the chain's smallest unit (koinu, litoshi) everywhere in kibble.
 * Only at the edges (HTTP bodies, CLI flags, views) do they become decimal strings of whole coins,
 * and the two functions here are the only way across: parsing is exact string arithmetic, never
 * `Number()` or `parseFloat`, because Dogecoin's supply in koinu is far above 2^53.
 */

export const COIN_DECIMALS = 8;
export const COIN = 100_000_000n;

export interface AmountLimits {
  /** Largest accepted amount in smallest units (a chain's `maxMoney`, or a tighter cap). */
  maxMoney: bigint;
  /** Shown in the too-large message ("10000000000 DOGE"); "coins" when absent. */
  ticker?: string;
}

/** The one accepted grammar: no sign, no leading zeros, 1..n fraction digits after a dot. */
const CANONICAL_INPUT = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** How many characters of a rejected input a message repeats; inputs can be megabytes long. */
const QUOTE_MAX_CHARS = 32;

/**
 * Parses a decimal string of whole coins into smallest units, exactly.
 *
 * Accepts "0", "12.5", "1.50", "0.00000001". Zero is accepted: whether zero makes sense (a budget,
 * a withdrawal) is the caller's rule, not the grammar's. Every rejection is a KibbleError:
 * - 'amount-invalid' for anything that is not the grammar above, with a message naming the
 *   specific problem (whitespace, sign, exponent, radix prefix, leading zero, separators...);
 * - 'amount-too-precise' for more than 8 fraction digits, even when the extra digits are zeros
 *   ("1.000000000"): the rule is about what was typed, so it is the same for every input and a
 *   client that sends 9 decimals learns about it before it sends a non-zero ninth digit;
 * - 'amount-too-large' above `limits.maxMoney`. Precision is checked first: it is a property of
 *   the text, and the size check only makes sense on a well-formed amount.
 */
export function parseCoins(text: unknown, limits: AmountLimits): bigint {
  if (typeof text !== 'string') {
    throw new KibbleError('amount-invalid', describeNonString(text));
  }
  const match = CANONICAL_INPUT.exec(text);
  if (match === null) {
    throw new KibbleError('amount-invalid', `amount ${quote(text)}: ${explainMalformed(text)}`);
  }
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > COIN_DECIMALS) {
    throw new KibbleError(
      'amount-too-precise',
      `amount ${quote(text)} has ${fraction.length} decimals; at most ${COIN_DECIMALS} are ` +
        `allowed (the smallest unit is 0.00000001)`,
      { maxDecimals: COIN_DECIMALS },
    );
  }
  const units = wholeFitsLimit(whole, limits.maxMoney)
    ? BigInt(whole) * COIN + BigInt(fraction.padEnd(COIN_DECIMALS, '0'))
    : undefined;
  if (units === undefined || units > limits.maxMoney) {
    const maximum = `${formatCoins(limits.maxMoney)} ${limits.ticker ?? 'coins'}`;
    throw new KibbleError(
      'amount-too-large',
      `amount ${quote(text)} is above the maximum of ${maximum}`,
      { maximum: formatCoins(limits.maxMoney) },
    );
  }
  return units;
}

/**
 * Compares digit counts before any BigInt conversion, so a million-digit string is rejected in
 * linear time instead of costing a quadratic decimal-to-binary conversion.
 */
function wholeFitsLimit(whole: string, maxMoney: bigint): boolean {
  const maxWholeDigits = (maxMoney / COIN).toString().length;
  return whole.length <= maxWholeDigits;
}

/** Canonical decimal: "1", "12.5", "0.00000001"; negatives get a leading '-' for ledger views. */
export function formatCoins(units: bigint): string {
  if (units < 0n) {
    return `-${formatCoins(-units)}`;
  }
  const whole = (units / COIN).toString();
  const fraction = (units % COIN).toString().padStart(COIN_DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** "12.5 DOGE". */
export function formatCoinsWithTicker(
  units: bigint,
  profile: { readonly ticker: string },
): string {
  return `${formatCoins(units)} ${profile.ticker}`;
}

/**
 * Reasons are checked in order and the first that matches names the problem; the order makes
 * "1e-8" an exponent rather than a sign problem. All patterns are linear (no nested quantifiers)
 * so a hostile input cannot make a rejection slow.
 */
const MALFORMED_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^$/, 'the amount is empty'],
  // \s covers Unicode spaces and line breaks; Cc/Cf add controls and zero-width characters, which
  // would otherwise make two amounts that look identical compare differently.
  [/[\s\p{Cc}\p{Cf}]/u, 'whitespace is not allowed (nor invisible or control characters)'],
  [/^0[xXoObB]/, 'hex, octal and binary notation are not allowed; write decimal coins'],
  [/[0-9.][eE]/, 'exponent notation ("1e8") is not allowed; write all the digits'],
  [
    /[+\-\u2010-\u2015\u2212\uFE62\uFE63\uFF0B\uFF0D]/,
    'signs are not allowed; amounts are always positive, the operation says the direction',
  ],
  [/[^\x00-\x7F]/, 'only ASCII digits 0-9 and "." are allowed'],
  [/[,_']/, 'digit group separators ("," "_" "\'") are not allowed; "." is the decimal point'],
  [/^0[0-9]/, 'leading zeros are not allowed'],
  [/^\./, 'a digit is required before the decimal point ("0.5", not ".5")'],
  [/\.$/, 'digits are required after the decimal point ("5" or "5.0", not "5.")'],
];

function explainMalformed(text: string): string {
  for (const [pattern, reason] of MALFORMED_REASONS) {
    if (pattern.test(text)) {
      return reason;
    }
  }
  return 'expected a decimal number of coins such as "12.5"';
}

function describeNonString(value: unknown): string {
  const advice = 'amounts must be decimal strings of whole coins such as "12.5"';
  if (value === undefined || value === null) {
    return `amount is missing; ${advice}`;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    // A JSON number has already been through a double by the time it reaches us, so it may have
    // lost digits: refusing it is the only way to be exact.
    return `amount was sent as a number; numbers must be sent as strings: ${advice}`;
  }
  const kind = Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `amount was ${kind}; ${advice}`;
}

/**
 * Repeats user input in a message without letting it forge log lines or hide characters:
 * printable ASCII is kept, everything else becomes \u{...}; long input is cut after 32 chars.
 */
function quote(text: string): string {
  // Slicing code units first bounds the work; 2x covers surrogate pairs.
  const head = Array.from(text.slice(0, QUOTE_MAX_CHARS * 2)).slice(0, QUOTE_MAX_CHARS);
  const shown = head.map(escapeChar).join('');
  const truncated = head.join('').length < text.length;
  return truncated ? `"${shown}"... (${text.length} characters)` : `"${shown}"`;
}

function escapeChar(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  if (char === '"' || char === '\\') {
    return `\\${char}`;
  }
  if (codePoint >= 0x20 && codePoint <= 0x7e) {
    return char;
  }
  return `\\u{${codePoint.toString(16).toUpperCase().padStart(4, '0')}}`;
}

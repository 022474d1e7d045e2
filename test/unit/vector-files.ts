import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Helpers for the JSON vector files under test/fixtures/ (bitcoinjs-lib style: `valid` and
 * `invalid` cases, each with a `description`). JSON has no bigint, so amounts are written as
 * decimal strings of the smallest unit ("150000000" koinu); these helpers read them back exactly
 * and turn results into the same plain JSON for comparison.
 */

const FIXTURES = join(__dirname, '../fixtures');
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

/** The parsed file; the caller names its shape (a fixture file is trusted test data). */
export function readVectors(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, relativePath), 'utf8'));
}

/**
 * A decimal string of smallest units as bigint. Anything else that is not a string (a JSON
 * number, null) is passed on unchanged, so an invalid vector can check that the code refuses an
 * amount of the wrong type; a malformed string is a broken fixture and fails the test at once.
 */
export function units(value: unknown): bigint {
  if (typeof value !== 'string') return value as bigint;
  if (!INTEGER_TEXT.test(value)) throw new Error(`fixture amount ${JSON.stringify(value)} is not a decimal integer string`);
  return BigInt(value);
}

/** The value as the fixtures write it: every bigint as its decimal string, undefined fields dropped. */
export function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))) as unknown;
}

/** Only the keys the vector names: a case may spell out part of a large result. */
export function pick(value: unknown, keys: readonly string[]): Record<string, unknown> {
  const record = value as Record<string, unknown>;
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}

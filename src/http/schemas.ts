import { z } from 'zod';
import { ERROR_CATALOGUE } from '../errors';
import { PERIOD_PATTERN } from '../money/period';

/**
 * Schemas that many routes share. Request schemas check types and shapes; the domain rules
 * (amount grammar, address checksum) stay in the services, which answer with their own codes.
 */

/** A MongoDB ObjectId as 24 lowercase hex digits: ids in paths and bodies. */
export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id of 24 hex digits');

/** An amount in whole coins as a decimal string; parse it with parseCoins, never Number(). */
export const coinAmount = z.string().meta({ description: 'decimal whole coins, e.g. "12.5"', example: '12.5' });

export const period = z.string().regex(PERIOD_PATTERN, "must be a UTC month 'YYYY-MM'");

/** A click's id: its key `<period>:<donor id>:<thing id>` (24 hex digits for a click stored before that). */
export const clickId = z
  .string()
  .regex(/^(\d{4}-\d{2}:[0-9a-f]{24}:[0-9a-f]{24}|[0-9a-f]{24})$/, 'must be a click id')
  .meta({ description: "the click's key `<period>:<donor id>:<thing id>`, stable; 24 hex digits for a click stored before ids were keys", example: '2026-03:65f0c0ffee0000000000d001:65f0c0ffee0000000000e001' });

/** A page size in a query string: a whole number from 1 to `max` (at most 999), as text. */
export function pageLimit(max: number): z.ZodString {
  const message = `must be a whole number from 1 to ${max}`;
  return z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, message)
    .refine((text) => Number(text) <= max, message);
}

export const isoTimestamp = z.string().meta({ description: 'ISO 8601 timestamp (UTC)', example: '2026-03-15T12:00:00.000Z' });

const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [keyof typeof ERROR_CATALOGUE, ...(keyof typeof ERROR_CATALOGUE)[]];

/** The body of every error response (errors.ts). */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

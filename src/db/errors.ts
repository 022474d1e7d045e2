/** MongoDB's duplicate key error (E11000): for an idempotent write it means "already done". */
export const DUPLICATE_KEY_CODE = 11000;

/**
 * True for a duplicate key error, including a bulk write (insertMany, or an insert as built) whose
 * failures are all duplicates.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return failedWithCode(error, DUPLICATE_KEY_CODE, 'all');
}

/**
 * Whether a write failed with the server's error `code`: a single write, or a bulk write whose
 * failures all have it (`all`) or one of them does (`any`). Mongoose reports a bulk write's failures
 * as `writeErrors[i].err.code`, the driver and insert-built.ts as `writeErrors[i].code` (and a single
 * failure may come unwrapped).
 */
export function failedWithCode(error: unknown, code: number, failures: 'all' | 'any'): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code: own, writeErrors, err } = error as { code?: unknown; writeErrors?: unknown; err?: unknown };
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    const failed = (writeError: unknown): boolean => failedWithCode(writeError, code, failures);
    return failures === 'all' ? writeErrors.every(failed) : writeErrors.some(failed);
  }
  if (writeErrors !== undefined && writeErrors !== null && !Array.isArray(writeErrors)) return failedWithCode(writeErrors, code, failures);
  if (own === code) return true;
  return err !== undefined && failedWithCode(err, code, failures);
}

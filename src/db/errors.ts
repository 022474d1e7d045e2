/** MongoDB's duplicate key error (E11000): for an idempotent write it means "already done". */
export const DUPLICATE_KEY_CODE = 11000;

/**
 * True for a duplicate key error, including a bulk write (insertMany, or an insert as built) whose
 * failures are all duplicates. Mongoose reports a bulk write's failures as `writeErrors[i].err.code`,
 * the driver and insert-built.ts as `writeErrors[i].code` (and a single failure may come unwrapped).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, writeErrors, err } = error as { code?: unknown; writeErrors?: unknown; err?: unknown };
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    return writeErrors.every((writeError: unknown) => isDuplicateKeyError(writeError));
  }
  if (writeErrors !== undefined && writeErrors !== null && !Array.isArray(writeErrors)) return isDuplicateKeyError(writeErrors);
  if (code === DUPLICATE_KEY_CODE) return true;
  return err !== undefined && isDuplicateKeyError(err);
}

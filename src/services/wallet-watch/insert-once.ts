import { isDuplicateKeyError } from '../../db/errors';

/**
 * Runs an insert; false when the document exists already (a repeated step). For an unordered
 * insertMany: false when some existed, the others are inserted all the same.
 */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

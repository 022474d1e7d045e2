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

/**
 * One insert per chunk of at most this many documents: a block paying 10,000 deposits at once
 * made one insertMany that ran past the driver's timeout on DocumentDB.
 */
export const INSERT_CHUNK = 500;

/** insertOnce over `rows` in chunks; false when some existed in any chunk (the others are inserted). */
export async function insertOnceInChunks<T>(rows: readonly T[], insertChunk: (chunk: readonly T[]) => Promise<unknown>, chunkSize = INSERT_CHUNK): Promise<boolean> {
  let allNew = true;
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    if (!(await insertOnce(() => insertChunk(chunk)))) allNew = false;
  }
  return allNew;
}

import { forEachChunk } from '../../db/chunks';
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
 * One insert per chunk of at most this many documents, a few chunks at a time: a block paying
 * 10,000 deposits at once made one insertMany that ran past the driver's timeout on DocumentDB,
 * and several smaller inserts at once run in several database backends (db/chunks.ts).
 */
export const INSERT_CHUNK = 100;
export const INSERT_CONCURRENCY = 4;

/** insertOnce over `rows` in chunks; false when some existed in any chunk (the others are inserted). */
export async function insertOnceInChunks<T>(rows: readonly T[], insertChunk: (chunk: readonly T[]) => Promise<unknown>, chunkSize = INSERT_CHUNK): Promise<boolean> {
  let allNew = true;
  await forEachChunk(rows, { size: chunkSize, concurrency: INSERT_CONCURRENCY }, async (chunk) => {
    if (!(await insertOnce(() => insertChunk(chunk)))) allNew = false;
  });
  return allNew;
}

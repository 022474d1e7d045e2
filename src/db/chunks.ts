import { settleAll } from '../settle-all';

/**
 * Lookups by key (`{_id: {$in: keys}}`) in chunks of 1,000 keys, four at once: on DocumentDB an
 * `$in` of 5,000 keys took 2.5x as long per key as five of 1,000 (measured: 10,000 keys 1.85 s
 * against 0.72 s, load 17).
 */
export const KEY_LOOKUP_CHUNKS = { size: 1_000, concurrency: 4 } as const;

/**
 * Runs `work` over `rows` in chunks of `size`, up to `concurrency` chunks at a time, and resolves
 * once all are done; if any fails, it rejects with the first failure after the others settled (so
 * no write is left running behind the caller). Bulk writes use it: on DocumentDB one insert of
 * many documents writes them one after the other in one backend, while several smaller inserts
 * run in several (measured: 1,200 ledger entries in one insert 6.2 s, in 12 of 100 at once 2.4 s,
 * on a loaded 2-core machine).
 */
export async function forEachChunk<T>(
  rows: readonly T[],
  { size, concurrency }: { size: number; concurrency: number },
  work: (chunk: readonly T[]) => Promise<void>,
): Promise<void> {
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < chunks.length; i = next++) await work(chunks[i] as T[]);
  };
  await settleAll(Array.from({ length: Math.min(Math.max(concurrency, 1), chunks.length) }, worker));
}

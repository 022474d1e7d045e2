import { DUPLICATE_KEY_CODE } from './errors';
import { insertBuilt, type BulkInserter } from './insert-built';

/**
 * Group commit: writes that many requests make one at a time (a flattr's click, a rate-limit
 * block, an outbox event) go to the database together. The first item is written at once, alone;
 * items submitted while a write is in flight wait and go together in the next one. So a lone
 * request pays no wait, and under load N requests cost one round trip instead of N (on the click
 * bench each round trip, not the documents in it, was the cost). Each caller's promise settles
 * with its own item's outcome once the write that carried it is done; no timer, so an idle
 * process holds nothing.
 */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private draining = false;

  /** `write` answers one result per item, in order; if it throws, every item of its batch fails. */
  constructor(
    private readonly write: (batch: readonly T[]) => Promise<readonly R[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((waiting) => waiting.item));
          if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
          batch.forEach((waiting, index) => waiting.resolve(results[index] as R));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

export type InsertOutcome = 'inserted' | 'duplicate';

/**
 * Inserts documents as they are (no casting or validation: callers build every field), unordered,
 * and says of each whether it was inserted or refused as a duplicate key (its `_id` taken,
 * possibly by an earlier document of the same batch). Any other failure throws.
 */
export async function insertEachOnce(model: BulkInserter, documents: readonly object[]): Promise<InsertOutcome[]> {
  const outcomes: InsertOutcome[] = documents.map(() => 'inserted');
  if (documents.length === 0) return outcomes;
  try {
    // As built (insert-built.ts), not Model.insertMany: its error lists the refused documents by
    // index. Copies, since an `_id` is added to a document without one.
    await insertBuilt(model, documents.map((document) => ({ ...document })));
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const failures = Array.isArray(writeErrors) ? writeErrors : writeErrors === undefined ? [] : [writeErrors];
    if (failures.length === 0) throw error;
    for (const failure of failures as Array<{ index?: unknown; code?: unknown }>) {
      if (failure.code !== DUPLICATE_KEY_CODE || typeof failure.index !== 'number' || outcomes[failure.index] === undefined) throw error;
      outcomes[failure.index] = 'duplicate';
    }
  }
  return outcomes;
}

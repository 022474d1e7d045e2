/** What a bulk insert needs of a model's collection (the driver's insertMany). */
export interface BulkInserter {
  insertMany(documents: object[], options: { ordered: boolean }): Promise<unknown>;
}

/**
 * Inserts documents exactly as their owner built them (every field, typed as stored: no casting,
 * validation or defaults), unordered, through the driver alone. Mongoose's insertMany, lean or
 * not, first passes each document through its own tick (parallelLimit over setImmediate), which
 * for the scanner's thousands of rows a pass cost more CPU than the driver's encoding of them
 * (bench:scan, docs/benchmarks.md). A duplicate key fails it as the driver reports it
 * (errors.ts, isDuplicateKeyError), after the other documents are inserted.
 */
export async function insertBuilt(model: { collection: BulkInserter }, documents: readonly object[]): Promise<void> {
  if (documents.length === 0) return;
  await model.collection.insertMany([...documents], { ordered: false });
}

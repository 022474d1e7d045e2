/**
 * DocumentDB builds an index as one inverted column per path unless asked for an ORDERED index
 * (one sorted key tuple, as MongoDB's indexes always are). Unordered, `{account, book}` answers
 * `{account: a, book: {$gt: b}}` by intersecting posting lists (2.4 to 14 ms for one row at
 * 380,000 ledger entries against 0.03 ms ordered; docs/ledger.md, "Indexes and engines"), and
 * every insert costs about three times as much per index (1,200 documents with three secondary
 * indexes: 470-840 ms unordered, 160-330 ms ordered, 60-150 ms with none; docs/benchmarks.md).
 * So connection.ts asks for every index ordered; MongoDB and FerretDB refuse the option (MongoDB's
 * indexes are ordered anyway) and get the same indexes without it.
 */
const ORDERED_INDEX = { storageEngine: { enableOrderedIndex: true } } as const;

/** The same index specification, asking DocumentDB for an ordered index. */
export function orderedIndex<T extends object>(spec: T): T & typeof ORDERED_INDEX {
  return { ...spec, ...ORDERED_INDEX };
}

/**
 * Index options for a compound index that must be ORDERED by its keys, as MongoDB's compound
 * indexes always are (one B-tree over the key tuple). DocumentDB builds a compound index as one
 * inverted column per path by default: `{account, book}` then answers `{account: a, book: {$gt: b}}`
 * by intersecting the posting list of `a` with those of every book after b (a whole month of
 * entries): 2.4 to 14 ms for one row at 380,000 entries, where its ordered composite index reads
 * the one key (0.03 ms; docs/ledger.md, "Indexes and engines"). MongoDB and FerretDB do not know the
 * option: connection.ts creates the indexes without it where the server refuses it.
 */
export const ORDERED_INDEX = { storageEngine: { enableOrderedIndex: true } } as const;

/** Whether these index options ask for an ordered index (ORDERED_INDEX). */
export function asksForOrderedIndex(options: { storageEngine?: unknown }): boolean {
  const engine = options.storageEngine;
  return typeof engine === 'object' && engine !== null && 'enableOrderedIndex' in engine;
}

/** The same index options without the ordered-index request (for servers that refuse it). */
export function withoutOrderedIndex<T extends { storageEngine?: unknown }>(options: T): Omit<T, 'storageEngine'> {
  const { storageEngine: _dropped, ...rest } = options;
  return rest;
}

import { randomBytes } from 'node:crypto';
import mongoose, { type Collection, type mongo, type Schema } from 'mongoose';
import { settleAll } from '../settle-all';

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

/** Whether the server builds ordered indexes: learnt from the first createIndexes, or probed once. */
export interface IndexSupport {
  orderedIndexes: 'unknown' | 'accepted' | 'refused';
}

/** One collection's indexes that were unordered and are now ordered, by name. */
export interface RebuiltIndexes {
  collection: string;
  indexes: string[];
}

/**
 * Names the unique index that enforces a unique index's constraint while that one is rebuilt. A
 * name with this suffix that is still there names a rebuild that was interrupted: connection.ts
 * drops it only once the index it guards exists again.
 */
const UNIQUENESS_GUARD_SUFFIX = '__rebuild_guard';

export function isUniquenessGuard(indexName: string): boolean {
  return indexName.endsWith(UNIQUENESS_GUARD_SUFFIX);
}

/** MongoDB's IndexNotFound: dropIndex of a name that is not there. */
const INDEX_NOT_FOUND_CODE = 27;

/** listIndexes on DocumentDB says `enableOrderedIndex: 1` of an ordered index and nothing of a plain one. */
export function isOrdered(index: mongo.IndexDescriptionInfo): boolean {
  return Boolean((index as { enableOrderedIndex?: unknown }).enableOrderedIndex);
}

/** A secondary index with the key of one of the schema's (1/-1 fields only: text or hashed ones are not rebuilt). */
function isSchemaIndex(schema: Schema, index: mongo.IndexDescriptionInfo): boolean {
  if (index.name === '_id_' || !Object.values(index.key).every((direction) => direction === 1 || direction === -1)) return false;
  const key = JSON.stringify(Object.entries(index.key));
  return schema.indexes().some(([fields]) => JSON.stringify(Object.entries(fields)) === key);
}

/** The stored index's specification (what createIndexes takes), without what the server adds (`v`, `ns`). */
export function specificationOf(index: mongo.IndexDescriptionInfo): mongo.IndexDescription {
  const { key, name, unique, sparse, partialFilterExpression, expireAfterSeconds, collation } = index;
  const options = { unique, sparse, partialFilterExpression, expireAfterSeconds, collation };
  return { key, name, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
}

/**
 * A unique index enforcing the same constraint under another key: every direction reversed. Key
 * directions do not change which documents collide, and DocumentDB refuses a second index of the
 * same key and options under another name ("Index already exists with a different name"), so a
 * guard of the same key could not stay beside the ordered index created under the original name.
 */
function uniquenessGuardOf(index: mongo.IndexDescriptionInfo): mongo.IndexDescription {
  const { expireAfterSeconds: _ttl, ...spec } = specificationOf(index);
  const reversed = Object.fromEntries(Object.entries(index.key).map(([field, direction]) => [field, -Number(direction)]));
  return { ...spec, key: reversed, name: `${index.name}${UNIQUENESS_GUARD_SUFFIX}` };
}

/** Drops the named indexes one by one, those already gone (another instance's rebuild) too. */
export async function dropIndexesIfPresent(collection: Collection, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await collection.dropIndex(name).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== INDEX_NOT_FOUND_CODE) throw error;
    });
  }
}

/**
 * Whether the server creates an ordered index, asked on a collection of its own that is dropped
 * again (creating it with its index is one quick command on DocumentDB; FerretDB and MongoDB
 * refuse the option).
 */
async function acceptsOrderedIndexes(db: mongo.Db): Promise<boolean> {
  const probe = db.collection(`kibble_ordered_index_probe_${randomBytes(4).toString('hex')}`);
  try {
    await probe.createIndexes([orderedIndex({ key: { probe: 1 }, name: 'probe_1' })]);
    return true;
  } catch (error) {
    if (!(error instanceof mongoose.mongo.MongoServerError)) throw error;
    return false;
  } finally {
    await probe.drop();
  }
}

/** A collection and the schema that declares its indexes. */
export interface IndexedCollection {
  collection: Collection;
  schema: Schema;
}

/**
 * Rebuilds ordered the collections' secondary indexes that have a schema index's key but are
 * plain: those of a DocumentDB database created before kibble asked for ordered indexes, which
 * mongoose's diffIndexes takes for the schema's (it does not compare the option). Nothing on a
 * server that refuses the option, nor when every index is ordered already. The collections are
 * rebuilt at once: DocumentDB's background job builds the indexes of all pending createIndexes
 * in one pass (5 collections: 1.0 s at once, 5.0 s one after the other; kibble's 28 with 43
 * indexes: 2.5 s at once, 37 s one after the other).
 */
export async function rebuildUnorderedIndexes(collections: readonly IndexedCollection[], server: IndexSupport, db: mongo.Db): Promise<RebuiltIndexes[]> {
  if (server.orderedIndexes === 'refused') return [];
  const plain: { collection: Collection; indexes: mongo.IndexDescriptionInfo[] }[] = [];
  for (const { collection, schema } of collections) {
    const indexes = (await collection.indexes()).filter((index) => !isOrdered(index) && isSchemaIndex(schema, index));
    if (indexes.length > 0) plain.push({ collection, indexes });
  }
  if (plain.length === 0) return [];
  if (server.orderedIndexes === 'unknown') server.orderedIndexes = (await acceptsOrderedIndexes(db)) ? 'accepted' : 'refused';
  if (server.orderedIndexes === 'refused') return [];
  await settleAll(plain.map(({ collection, indexes }) => replaceWithOrdered(collection, indexes)));
  return plain.map(({ collection, indexes }) => ({ collection: collection.collectionName, indexes: indexes.map((index) => index.name ?? '') }));
}

/**
 * Guards first, so a unique constraint is never missing while other instances write: each unique
 * index gets a guard (uniquenessGuardOf); then the plain indexes are dropped and created again
 * ordered under their names in one createIndexes (DocumentDB builds an index on an existing
 * collection in a background job, about 1 s a command whatever the count); then the guards go. A
 * non-unique index is missing for that second: a read that hints it fails meanwhile.
 */
async function replaceWithOrdered(collection: Collection, unordered: mongo.IndexDescriptionInfo[]): Promise<void> {
  const guards = unordered.filter((index) => index.unique === true).map(uniquenessGuardOf);
  if (guards.length > 0) await collection.createIndexes(guards.map(orderedIndex));
  await dropIndexesIfPresent(collection, unordered.map((index) => index.name ?? ''));
  await collection.createIndexes(unordered.map((index) => orderedIndex(specificationOf(index))));
  await dropIndexesIfPresent(collection, guards.map((guard) => guard.name ?? ''));
}

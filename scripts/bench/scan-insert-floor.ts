import type { mongo } from 'mongoose';
import { isOrdered, orderedIndex, specificationOf } from '../../src/db/ordered-index';

/**
 * bench:scan's "database floor": the documents the timed pass wrote, read back and inserted again
 * into a scratch database on the same server, with the same indexes, and nothing else: every
 * collection at once, in chunks of CHUNK, CHUNKS_IN_FLIGHT per collection. No fetch, no parsing,
 * no reads, no ordering between the writes. Whatever the scanner does around its writes, a pass
 * that stores these documents cannot take less on this server, so the floor says how much of the
 * pass is the database's share and what a target below it would ask for (fewer documents).
 */
export const FLOOR_COLLECTIONS = ['deposits', 'wallet_outputs', 'ledger_entries', 'events', 'wallet_spends', 'scanned_blocks'] as const;

const CHUNK = 200;
const CHUNKS_IN_FLIGHT = 2;

export interface InsertFloor {
  /** Documents inserted, by collection (every document of the collection after the pass). */
  documents: Record<string, number>;
  totalDocuments: number;
  /** Secondary index entries those documents write (documents x secondary indexes). */
  secondaryIndexEntries: number;
  /** Wall time of the inserts, all collections at once. */
  ms: number;
}

/** Reads the collections' documents from `source` and times their insert into a scratch database. */
export async function measureInsertFloor(client: mongo.MongoClient, source: string): Promise<InsertFloor> {
  const scratch = client.db(`${source}_floor`);
  try {
    const prepared = await Promise.all(FLOOR_COLLECTIONS.map(async (name) => {
      const from = client.db(source).collection(name);
      const [documents, indexes] = await Promise.all([from.find({}).toArray(), from.indexes()]);
      const secondary = indexes.filter((index) => index.name !== '_id_');
      // The same indexes, created with the collection (one command: DocumentDB builds them at once).
      if (secondary.length > 0) await scratch.collection(name).createIndexes(secondary.map(specificationWithOrder));
      else await scratch.createCollection(name);
      return { name, documents, secondaryIndexes: secondary.length };
    }));
    const started = process.hrtime.bigint();
    await Promise.all(prepared.map(({ name, documents }) => insertInChunks(scratch.collection(name), documents)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      documents: Object.fromEntries(prepared.map(({ name, documents }) => [name, documents.length])),
      totalDocuments: prepared.reduce((sum, { documents }) => sum + documents.length, 0),
      secondaryIndexEntries: prepared.reduce((sum, { documents, secondaryIndexes }) => sum + documents.length * secondaryIndexes, 0),
      ms,
    };
  } finally {
    await scratch.dropDatabase().catch(() => undefined);
  }
}

/** The stored index as a createIndexes specification, ordered when the source index is. */
function specificationWithOrder(index: mongo.IndexDescriptionInfo): mongo.IndexDescription {
  return isOrdered(index) ? orderedIndex(specificationOf(index)) : specificationOf(index);
}

async function insertInChunks(collection: mongo.Collection, documents: readonly mongo.Document[]): Promise<void> {
  const chunks: mongo.Document[][] = [];
  for (let i = 0; i < documents.length; i += CHUNK) chunks.push(documents.slice(i, i + CHUNK));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as mongo.Document[];
      await collection.insertMany(chunk, { ordered: false });
    }
  };
  await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
}

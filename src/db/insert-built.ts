import { Types } from 'mongoose';
import type { Db, Document } from 'mongodb';

/** What an insert as built needs of a model: its collection's name and its connection's database. */
export interface BulkInserter {
  collection: { collectionName: string };
  db: { db?: Db | undefined };
}

/** The most documents one insert command carries (the server accepts 100,000; callers chunk smaller). */
const DOCUMENTS_PER_COMMAND = 1_000;

/** A write error of an insert command, as the server lists it: the document's index and the code. */
export interface InsertWriteError {
  index: number;
  code: number;
  errmsg: string;
}

/** Some documents of an unordered insert were refused; the others are stored. */
export class InsertWriteErrors extends Error {
  constructor(
    readonly collectionName: string,
    readonly writeErrors: InsertWriteError[],
  ) {
    super(`insert into ${collectionName}: ${writeErrors.length} document(s) refused, the first: ${writeErrors[0]?.errmsg ?? 'no message'}`);
    this.name = 'InsertWriteErrors';
  }
}

/**
 * Inserts documents exactly as their owner built them (every field, typed as stored: no casting,
 * validation or defaults), unordered, with the server's `insert` command. Not mongoose's
 * insertMany, which first passes each document through its own tick (parallelLimit over
 * setImmediate), nor the driver's, whose bulk-write path measures every document's size before
 * encoding it: for the scanner's thousands of rows a pass each cost more CPU than the encoding
 * itself (bench:scan, docs/benchmarks.md). Callers write bounded chunks of small documents and
 * repeat a failed write themselves (every caller's documents are keyed, so a repeat inserts only
 * what is missing); the driver's automatic retry of a write is not needed here.
 *
 * A document without `_id` gets an ObjectId, as the driver gives it. Refused documents (a
 * duplicate key) fail it with InsertWriteErrors, after the others are inserted: isDuplicateKeyError
 * (errors.ts) reads its `writeErrors` as it reads the driver's.
 */
export async function insertBuilt(model: BulkInserter, documents: readonly object[]): Promise<void> {
  if (documents.length === 0) return;
  const db = model.db.db;
  if (db === undefined) throw new Error(`insert into ${model.collection.collectionName}: the database is not connected`);
  const { collectionName } = model.collection;
  const refused: InsertWriteError[] = [];
  for (let start = 0; start < documents.length; start += DOCUMENTS_PER_COMMAND) {
    const piece = documents.slice(start, start + DOCUMENTS_PER_COMMAND) as Array<Document>;
    for (const document of piece) if (document._id === undefined) document._id = new Types.ObjectId();
    const answer = await db.command({ insert: collectionName, documents: piece, ordered: false });
    for (const failure of (answer.writeErrors ?? []) as InsertWriteError[]) refused.push({ ...failure, index: failure.index + start });
    const concern = answer.writeConcernError as { errmsg?: string } | undefined;
    if (concern !== undefined) throw new Error(`insert into ${collectionName}: write concern failed: ${concern.errmsg ?? 'no message'}`);
  }
  if (refused.length > 0) throw new InsertWriteErrors(collectionName, refused);
}

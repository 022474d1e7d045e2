import mongoose, { type Connection, type Model, type mongo } from 'mongoose';
import { AccountModel, ALL_MODELS, ChainCursorModel, SettlementModel } from './models';
import { kibbleDatabaseName } from './database-name';
import { dropIndexesIfPresent, type IndexSupport, isUniquenessGuard, orderedIndex, rebuildUnorderedIndexes, type RebuiltIndexes } from './ordered-index';
import type { Logger } from '../log';

export interface DatabaseOptions {
  /**
   * Connection string, e.g. `mongodb://127.0.0.1:27017/kibble`: the database it names is used
   * unless `dbName`, and `kibble` when it names none (database-name.ts).
   */
  uri: string;
  dbName?: string;
  /** Create the models' collections and indexes (and drop stale indexes) after connecting. Default true. */
  syncIndexes?: boolean;
  serverSelectionTimeoutMS?: number;
  /** Where the index synchronisation says what it rebuilt (logIndexRebuilds). */
  log?: Pick<Logger, 'info'>;
}

/** MongoDB's NamespaceExists: createCollection on a collection that exists. */
const NAMESPACE_EXISTS_CODE = 48;

/**
 * Connects the default mongoose connection, on which all models live. `useBigInt64` makes the
 * driver return BSON Long values as `bigint`, also for `.lean()` reads; amounts are written as
 * Long because they are `bigint`. Collections and indexes are created here, not lazily by
 * mongoose (`autoCreate`, `autoIndex` off), so that the unique indexes that make writes
 * idempotent exist before the first write.
 */
export async function connectDatabase(options: DatabaseOptions): Promise<Connection> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(options.uri, {
    dbName: options.dbName ?? kibbleDatabaseName(options.uri),
    useBigInt64: true,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
  });
  if (options.syncIndexes ?? true) logIndexRebuilds(await syncAllIndexes(), options.log);
  return mongoose.connection;
}

/** One line when syncAllIndexes rebuilt indexes ordered (once, on a DocumentDB database from before). */
export function logIndexRebuilds(rebuilt: RebuiltIndexes[], log: Pick<Logger, 'info'> | undefined): void {
  if (rebuilt.length > 0) log?.info({ rebuilt }, 'rebuilt plain DocumentDB indexes as ordered indexes');
}

/**
 * The collections every kibble database has once `kibble serve` ran on it (it creates them all
 * at start-up), that are missing from the connected database. All of them missing means the URI
 * names some other database (an empty one, or MongoDB's default `test`): the CLI refuses it rather
 * than answer for it ("open" for a month that is confirmed elsewhere). Call before syncAllIndexes,
 * which would create them.
 */
export async function missingKibbleCollections(): Promise<string[]> {
  const db = mongoose.connection.db;
  if (db === undefined) throw new Error('not connected');
  const present = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name));
  return [AccountModel, SettlementModel, ChainCursorModel].map((model) => model.collection.collectionName).filter((name) => !present.has(name));
}

/** The name of the database the models use (after connectDatabase). */
export function connectedDatabaseName(): string {
  return mongoose.connection.name;
}

/**
 * Brings every collection's indexes to its schema's, then rebuilds ordered those a DocumentDB
 * database created before kibble asked for ordered indexes still has plain (ordered-index.ts).
 * Says which it rebuilt: nothing on a database synchronised before, nor on FerretDB or MongoDB.
 */
export async function syncAllIndexes(): Promise<RebuiltIndexes[]> {
  const db = mongoose.connection.db;
  if (db === undefined) throw new Error('not connected');
  const server: IndexSupport = { orderedIndexes: 'unknown' };
  for (const model of ALL_MODELS) await syncCollection(model, server);
  return rebuildUnorderedIndexes(ALL_MODELS.map((model) => ({ collection: model.collection, schema: model.schema })), server, db);
}

/** What mongoose's diffIndexes answers (typed `any[]` there): index names, and [key, options] pairs. */
interface IndexDiff {
  toDrop: string[];
  toCreate: [Record<string, mongo.IndexDirection>, mongo.CreateIndexesOptions][];
}

/**
 * Mongoose's `syncIndexes` without its index-at-a-time builds: drops the indexes the schema no
 * longer has, then creates every missing one in a single createIndexes command, which also
 * creates a missing collection. On DocumentDB an index added to an existing collection waits for
 * a background job (about 1 s each, ~30 s for kibble's schema), while createIndexes that creates
 * the collection builds them at once; on MongoDB and FerretDB it is the same result either way.
 */
async function syncCollection(model: Pick<Model<unknown>, 'diffIndexes' | 'cleanIndexes' | 'collection' | 'createCollection'>, server: IndexSupport): Promise<void> {
  const diff: IndexDiff = await model.diffIndexes({ indexOptionsToCreate: true });
  // A guard left by an interrupted rebuild goes only once the unique index it stands for exists.
  const guards = diff.toDrop.filter(isUniquenessGuard);
  const toDrop = diff.toDrop.filter((name) => !isUniquenessGuard(name));
  if (toDrop.length > 0) await model.cleanIndexes({ toDrop });
  if (diff.toCreate.length > 0) await createIndexes(model.collection, diff.toCreate, server);
  else await createCollectionIfMissing(model);
  await dropIndexesIfPresent(model.collection, guards);
}

/** One createIndexes command, asking for ordered indexes unless the server refused them before. */
async function createIndexes(collection: Model<unknown>['collection'], toCreate: IndexDiff['toCreate'], server: IndexSupport): Promise<void> {
  const specs = toCreate.map(([key, indexOptions]) => ({ ...indexOptions, key }));
  if (server.orderedIndexes !== 'refused') {
    try {
      await collection.createIndexes(specs.map(orderedIndex));
      server.orderedIndexes = 'accepted';
      return;
    } catch (error) {
      // Ordered indexes are DocumentDB's (ordered-index.ts): a server that refuses the option
      // gets the same indexes without it. Any other error comes back from the plain attempt.
      if (!(error instanceof mongoose.mongo.MongoServerError)) throw error;
      server.orderedIndexes = 'refused';
    }
  }
  await collection.createIndexes(specs);
}

/**
 * Collections without secondary indexes exist from the start too: concurrent first inserts then
 * never race to create one.
 */
async function createCollectionIfMissing(model: Pick<Model<unknown>, 'createCollection'>): Promise<void> {
  await model.createCollection().catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== NAMESPACE_EXISTS_CODE) throw error;
  });
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

/** A round trip to the database server on the connection the models use (for /readyz). */
export async function pingDatabase(): Promise<void> {
  const db = mongoose.connection.db;
  if (db === undefined || mongoose.connection.readyState !== mongoose.ConnectionStates.connected) {
    throw new Error('not connected');
  }
  await db.command({ ping: 1 });
}

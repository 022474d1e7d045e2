import mongoose, { type Connection } from 'mongoose';
import { ALL_MODELS } from './models';

export interface DatabaseOptions {
  /** Connection string, e.g. `mongodb://127.0.0.1:27017/` (a database in it is used unless `dbName`). */
  uri: string;
  dbName?: string;
  /** Create the models' indexes (and drop stale ones) after connecting. Default true. */
  syncIndexes?: boolean;
  serverSelectionTimeoutMS?: number;
}

/**
 * Connects the default mongoose connection, on which all models live. `useBigInt64` makes the
 * driver return BSON Long values as `bigint`, also for `.lean()` reads; amounts are written as
 * Long because they are `bigint`. Indexes are created here, not lazily by mongoose, so that the
 * unique indexes that make writes idempotent exist before the first write.
 */
export async function connectDatabase(options: DatabaseOptions): Promise<Connection> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(options.uri, {
    ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    useBigInt64: true,
    autoIndex: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
  });
  if (options.syncIndexes ?? true) await syncAllIndexes();
  return mongoose.connection;
}

export async function syncAllIndexes(): Promise<void> {
  for (const model of ALL_MODELS) await model.syncIndexes();
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

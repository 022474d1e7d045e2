// Per-test-file database on the server that global-setup.ts started. Call in describe scope:
//
//   const db = useTestDatabase();
//   it('...', async () => { await AccountModel.create(...); db.native.collection('accounts') ... });
//
// The default mongoose connection (where all models live) points at `kibble_test_<file>_<random>`,
// with every model's indexes created; the database is dropped after the file's tests.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Connection, mongo } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection';
import { TEST_MONGODB_URI_ENV } from './env';

export interface TestDatabase {
  /** Database name, unique to this test file and run. */
  readonly name: string;
  readonly uri: string;
  /** The mongoose connection (available from beforeAll on). */
  readonly connection: Connection;
  /** The native driver's database, for checks below mongoose (raw BSON types, indexes). */
  readonly native: mongo.Db;
}

export function useTestDatabase(): TestDatabase {
  const uri = process.env[TEST_MONGODB_URI_ENV];
  const name = testDatabaseName();
  let connection: Connection | undefined;

  beforeAll(async () => {
    if (!uri) {
      throw new Error(`${TEST_MONGODB_URI_ENV} is not set: run integration tests with \`jest --selectProjects integration\` (its globalSetup starts the database)`);
    }
    connection = await connectDatabase({ uri, dbName: name });
  });

  afterAll(async () => {
    if (!connection) return;
    try {
      await connection.dropDatabase();
    } finally {
      await disconnectDatabase();
      connection = undefined;
    }
  });

  const connected = (): Connection => {
    if (!connection) throw new Error('useTestDatabase(): not connected yet (use it inside tests or hooks, not at describe time)');
    return connection;
  };

  return {
    name,
    uri: uri ?? '',
    get connection() {
      return connected();
    },
    get native() {
      const db = connected().db;
      if (!db) throw new Error('useTestDatabase(): the connection has no database handle');
      return db;
    },
  };
}

/**
 * The connection string naming `db.name` as its database, for a kibble child process's
 * MONGODB_URI: the name goes into the path, before any options (DocumentDB's URI has some).
 */
export function uriOfDatabase(db: { readonly uri: string; readonly name: string }): string {
  const queryAt = db.uri.indexOf('?');
  const [base, query] = queryAt === -1 ? [db.uri, ''] : [db.uri.slice(0, queryAt), db.uri.slice(queryAt)];
  return `${base.replace(/\/?$/, '/')}${db.name}${query}`;
}

function testDatabaseName(): string {
  const testPath = expect.getState().testPath ?? 'unknown';
  // FerretDB allows [A-Za-z0-9_-] up to 63 characters
  const file = basename(testPath)
    .replace(/\.test\.ts$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 32);
  return `kibble_test_${file}_${randomBytes(4).toString('hex')}`;
}

/** Set by global-setup.ts for the integration run: the MongoDB-compatible server's URI. */
export const TEST_MONGODB_URI_ENV = 'KIBBLE_TEST_MONGODB_URI';

/** Which database the integration and browser tests run on: `ferretdb` (default) or `documentdb`. */
export const TEST_DB_ENV = 'KIBBLE_TEST_DB';

export type TestDatabaseKind = 'ferretdb' | 'documentdb';

export function testDatabaseKind(env: NodeJS.ProcessEnv = process.env): TestDatabaseKind {
  const value = env[TEST_DB_ENV];
  if (value === undefined || value === '' || value === 'ferretdb') return 'ferretdb';
  if (value === 'documentdb') return 'documentdb';
  throw new Error(`${TEST_DB_ENV}=${value} is not a test database: use ferretdb (the default) or documentdb`);
}

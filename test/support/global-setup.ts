// Starts one MongoDB-compatible server for the whole integration run; each test file then uses
// its own database on it (test/support/database.ts). Jest runs this and global-teardown.ts in
// the same parent process, before the workers start: the workers inherit the env variable.
import { startMongoServer, type MongoServer } from '../../scripts/db/mongo-server';
import { TEST_MONGODB_URI_ENV } from './env';

interface KibbleTestGlobals {
  __kibbleMongoServer?: MongoServer;
}

export function testGlobals(): KibbleTestGlobals {
  return globalThis as KibbleTestGlobals;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const log = (message: string): void => {
    process.stderr.write(`[integration] ${message}\n`);
  };
  const server = await startMongoServer({ log });
  testGlobals().__kibbleMongoServer = server;
  process.env[TEST_MONGODB_URI_ENV] = server.uri;
  log(`${server.kind} ready at ${server.uri} in ${Date.now() - started} ms`);
}

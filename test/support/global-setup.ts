// Starts one MongoDB-compatible server for the whole integration run; each test file then uses
// its own database on it (test/support/database.ts). Jest runs this and global-teardown.ts in
// the same parent process, before the workers start: the workers inherit the env variables.
// It also looks for dogecoind once (test/support/regtest.ts) and says in one line when its
// variants are skipped; with CI=true (or KIBBLE_REQUIRE_DOGECOIND=1, which .ci/run sets) a missing
// or broken dogecoind fails the run instead.
import { startMongoServer, type MongoServer } from '../../src/runtime/embedded/mongo-server';
import { findDogecoind } from '../../scripts/regtest/dogecoin-node';
import { TEST_MONGODB_URI_ENV } from './env';
import { dogecoindProblem, TEST_DOGECOIND_ENV } from './regtest';

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
  checkDogecoind(log);
  const server = await startMongoServer({ log });
  testGlobals().__kibbleMongoServer = server;
  process.env[TEST_MONGODB_URI_ENV] = server.uri;
  log(`${server.kind} ready at ${server.uri} in ${Date.now() - started} ms`);
}

function checkDogecoind(log: (message: string) => void): void {
  const problem = dogecoindProblem();
  if (problem === undefined) {
    const binary = findDogecoind() ?? '';
    process.env[TEST_DOGECOIND_ENV] = binary;
    log(`dogecoind: ${binary} (chain-facing tests run on bcoin and on dogecoind)`);
    return;
  }
  if (process.env.CI === 'true' || process.env.KIBBLE_REQUIRE_DOGECOIND === '1') {
    throw new Error(`dogecoind is required (CI=true or KIBBLE_REQUIRE_DOGECOIND=1): ${problem}`);
  }
  process.env[TEST_DOGECOIND_ENV] = '';
  log(`SKIPPING the dogecoind variants of the chain-facing tests: ${problem}`);
}

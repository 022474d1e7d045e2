// Starts one MongoDB-compatible server for the whole integration run; each test file then uses
// its own database on it (test/support/database.ts). Jest runs this and global-teardown.ts in
// the same parent process, before the workers start: the workers inherit the env variables.
// KIBBLE_TEST_DB picks the server: `ferretdb` (default: the embedded default's engine, see
// src/runtime/embedded/mongo-server.ts, which also honours MONGODB_URI or a mongod on PATH) or
// `documentdb` (../shared/documentdb: real indexes, see scripts/documentdb/documentdb-server.ts).
// It also looks for dogecoind once (test/support/regtest.ts) and says in one line when its
// variants are skipped; with CI=true (or KIBBLE_REQUIRE_DOGECOIND=1, which .ci/run sets) a missing
// or broken dogecoind fails the run instead. Last, it compiles the code kibble's child processes
// run (test/support/child-build.ts), once per run and set of sources.
import { FERRETDB_VERSION, startMongoServer } from '../../src/runtime/embedded/mongo-server';
import { findDogecoind } from '../../scripts/regtest/dogecoin-node';
import { documentDbDir, documentDbProblem, redactUri, startDocumentDb } from '../../scripts/documentdb/documentdb-server';
import { TEST_DB_ENV, TEST_MONGODB_URI_ENV, testDatabaseKind, type TestDatabaseKind } from './env';
import { dogecoindProblem, TEST_DOGECOIND_ENV } from './regtest';
import { startMailCatcher, MAILPIT_VERSION, type MailCatcher } from '../../src/runtime/embedded/mail-catcher';
import { TEST_MAILPIT_URL_ENV, TEST_SMTP_URL_ENV } from './mailbox';
import { prepareChildBuild, TEST_BUILD_DIR_ENV } from './child-build';

interface TestDatabaseServer {
  /** What the banner calls it. */
  readonly label: string;
  readonly uri: string;
  stop(): Promise<void>;
}

interface KibbleTestGlobals {
  __kibbleTestDatabase?: TestDatabaseServer;
  __kibbleTestMailCatcher?: MailCatcher;
}

export function testGlobals(): KibbleTestGlobals {
  return globalThis as KibbleTestGlobals;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const log = (message: string): void => {
    process.stderr.write(`[integration] ${message}\n`);
  };
  const kind = chosenDatabaseKind();
  checkDogecoind(log);
  const server = kind === 'documentdb' ? await startDocumentDbServer(log) : await startDefaultServer(log);
  testGlobals().__kibbleTestDatabase = server;
  process.env[TEST_MONGODB_URI_ENV] = server.uri;
  process.env[TEST_DB_ENV] = kind;
  log(`database: ${server.label} (${TEST_DB_ENV}=${kind}) ready at ${redactUri(server.uri)} in ${Date.now() - started} ms`);
  // Every file shares one catcher; each test sends to addresses of its own (test/support/mailbox.ts).
  const mailStarted = Date.now();
  const catcher = await startMailCatcher({ log });
  testGlobals().__kibbleTestMailCatcher = catcher;
  process.env[TEST_SMTP_URL_ENV] = catcher.smtpUrl;
  process.env[TEST_MAILPIT_URL_ENV] = catcher.webUrl;
  log(`mail: Mailpit ${MAILPIT_VERSION} catching SMTP at ${catcher.smtpUrl}, API at ${catcher.webUrl} in ${Date.now() - mailStarted} ms`);
  process.env[TEST_BUILD_DIR_ENV] = await prepareChildBuild(log);
}

async function startDefaultServer(log: (message: string) => void): Promise<TestDatabaseServer> {
  const server = await startMongoServer({ log });
  const label = server.kind === 'ferretdb' ? `FerretDB ${FERRETDB_VERSION}` : server.kind;
  return { label, uri: server.uri, stop: () => server.stop() };
}

async function startDocumentDbServer(log: (message: string) => void): Promise<TestDatabaseServer> {
  const dir = documentDbDir();
  const problem = documentDbProblem(dir);
  if (problem !== undefined) throw oneLineError(`${TEST_DB_ENV}=documentdb: ${problem}`);
  log(`starting DocumentDB (${dir})`);
  const server = await startDocumentDb({ dir, log });
  return { label: 'DocumentDB', uri: server.uri, stop: () => server.stop() };
}

function chosenDatabaseKind(): TestDatabaseKind {
  try {
    return testDatabaseKind();
  } catch (error) {
    throw oneLineError(error instanceof Error ? error.message : String(error));
  }
}

/** An error without a stack: its fix is a setting or an install step, not code. */
function oneLineError(message: string): Error {
  return Object.assign(new Error(message), { stack: '' });
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

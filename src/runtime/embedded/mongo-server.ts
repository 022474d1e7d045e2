// A MongoDB-compatible server for the integration tests and the embedded development default.
// Uses an external server (MONGODB_URI) if given; otherwise starts the one chooseDatabaseServer
// (database-choice.ts) picks from what this machine has: a `mongod` on PATH, FerretDB v1.24.2 with
// its SQLite backend (built into .cache/bin by Go on first use), or mongodb-memory-server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { KibbleError } from '../../errors';
import { chooseDatabaseServer, noDatabaseServerMessage } from './database-choice';
import { freePort, onExitCleanup, spawnManaged, tail, waitUntilReady, type ManagedProcess } from './managed-process';
import { repoRoot } from './repo-root';

export type MongoServerKind = 'external' | 'mongod' | 'ferretdb' | 'memory-server';

export interface MongoServer {
  /** Connection string without a database name, e.g. `mongodb://127.0.0.1:40123/`. */
  readonly uri: string;
  readonly kind: MongoServerKind;
  /** Folder holding the data, when this module runs the server. */
  readonly dataDir?: string;
  /** Stops the server (waits for its process to exit); removes a temporary data folder. */
  stop(): Promise<void>;
}

export interface StartMongoServerOptions {
  /** Persistent data folder (created if missing, kept on stop). Default: a temp folder, removed on stop. */
  dataDir?: string;
  /** An external server to use instead of starting one. Default: process.env.MONGODB_URI; '' ignores it. */
  externalUri?: string;
  /** Build FerretDB when its binary is missing (needs Go). Default true. */
  buildFerretdb?: boolean;
  /** Let mongodb-memory-server download MongoDB on first use (needs internet once). Default true. */
  allowDownload?: boolean;
  startTimeoutMs?: number;
  /** Progress messages (which server, build steps). Default: silent. */
  log?: (message: string) => void;
}

export const FERRETDB_VERSION = 'v1.24.2';
const DEFAULT_START_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

export async function startMongoServer(options: StartMongoServerOptions = {}): Promise<MongoServer> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const externalUri = options.externalUri ?? process.env['MONGODB_URI'];

  if (externalUri) {
    await pingUri(externalUri, timeoutMs).catch((error: unknown) => {
      throw new Error(`MONGODB_URI is set but the server does not answer: ${errorMessage(error)}`);
    });
    log(`using the external MongoDB server from MONGODB_URI`);
    return { uri: externalUri, kind: 'external', stop: () => Promise.resolve() };
  }

  const mongod = findOnPath('mongod');
  const ferretdb = ferretdbPath();
  const memoryServer = loadMemoryServer();
  const choice = chooseDatabaseServer({
    mongodOnPath: mongod !== undefined,
    ferretdbBuilt: hasVersion(ferretdb, FERRETDB_VERSION),
    goOnPath: (options.buildFerretdb ?? true) && findOnPath('go') !== undefined,
    memoryServerInstalled: memoryServer !== undefined,
    downloadAllowed: options.allowDownload ?? true,
  });
  switch (choice.kind) {
    case 'mongod':
      log(`starting mongod (${mongod ?? 'mongod'})`);
      return startWithDataDir(options.dataDir, 'mongod', (dataDir, port) =>
        spawnManaged('mongod', mongod ?? 'mongod', ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--nounixsocket', '--quiet']),
      timeoutMs);
    case 'ferretdb':
      if (choice.build) buildFerretdb(ferretdb, options.log);
      log(`starting FerretDB ${FERRETDB_VERSION} (${ferretdb}, SQLite backend)`);
      return startWithDataDir(options.dataDir, 'ferretdb', (dataDir, port) => spawnFerretdb(ferretdb, dataDir, port), timeoutMs);
    case 'memory-server':
      log('starting MongoDB through mongodb-memory-server (the first start downloads it: needs internet once)');
      try {
        return await startMemoryServer(memoryServer as MemoryServerModule, options.dataDir);
      } catch (error) {
        // One plain message (a KibbleError prints without a stack), the download's reason in it.
        throw new KibbleError('config-invalid', noDatabaseServerMessage(`mongodb-memory-server could not start MongoDB: ${errorMessage(error).split('\n')[0] ?? ''}`), { cause: errorMessage(error) });
      }
    case 'none':
      throw new KibbleError('config-invalid', choice.message);
  }
}

// --- spawned servers (mongod, ferretdb) ---------------------------------------------------

async function startWithDataDir(
  requestedDir: string | undefined,
  kind: 'mongod' | 'ferretdb',
  spawnServer: (dataDir: string, port: number) => ManagedProcess,
  timeoutMs: number,
): Promise<MongoServer> {
  const temporary = requestedDir === undefined;
  const dataDir = temporary ? mkdtempSync(join(tmpdir(), `kibble-${kind}-`)) : resolve(requestedDir);
  mkdirSync(dataDir, { recursive: true });
  const removeTemporary = (): void => {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  const unregisterCleanup = onExitCleanup(removeTemporary);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawnServer(dataDir, port);
    const uri = `mongodb://127.0.0.1:${port}/`;
    try {
      await waitUntilReady(proc, () => pingUri(uri, 1_000).then(() => true), { timeoutMs, what: `accept connections on ${uri}` });
    } catch (error) {
      await proc.stop(2_000);
      // Another process may have taken the port between freePort() and the server's bind.
      if (attempt < PORT_ATTEMPTS && /address already in use|EADDRINUSE/i.test(proc.output())) continue;
      removeTemporary();
      unregisterCleanup();
      throw error;
    }
    return {
      uri,
      kind,
      dataDir,
      async stop() {
        await proc.stop();
        removeTemporary();
        unregisterCleanup();
      },
    };
  }
}

function spawnFerretdb(binary: string, dataDir: string, port: number): ManagedProcess {
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    // no HTTP listener for metrics/profiling, no state.json, no telemetry (no internet here)
    '--debug-addr=-',
    '--state-dir=-',
    '--telemetry=disable',
    // WARN would log every failed command, including the duplicate-key errors tests expect
    '--log-level=ERROR',
  ];
  return spawnManaged('ferretdb', binary, args, { env: { ...process.env, DO_NOT_TRACK: '1' } });
}

function ferretdbPath(): string {
  return join(repoRoot(), '.cache', 'bin', 'ferretdb');
}

function buildFerretdb(binary: string, log: ((message: string) => void) | undefined): void {
  const root = repoRoot();
  log?.(`building FerretDB ${FERRETDB_VERSION} into ${binary} (first run only: seconds with a warm Go cache, minutes without)`);
  // With a log, the build's progress goes to stderr as it happens; without, it is kept for the error.
  const result = spawnSync('bash', [join(root, 'scripts', 'ferretdb', 'build.sh')], {
    encoding: 'utf8',
    stdio: log ? ['ignore', process.stderr, process.stderr] : ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || !hasVersion(binary, FERRETDB_VERSION)) {
    const output = log ? '(its output is above)' : tail(`${result.stdout}${result.stderr}`);
    throw new Error(`building FerretDB failed (scripts/ferretdb/build.sh, exit ${result.status}):\n${output}`);
  }
}

function hasVersion(binary: string, version: string): boolean {
  if (!existsSync(binary)) return false;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && result.stdout.split('\n').some((line) => line.trim() === `version: ${version}`);
}

// --- mongodb-memory-server (downloads MongoDB on first use) ------------------------------

interface MemoryServerInstance {
  getUri(): string;
  stop(options?: { doCleanup?: boolean; force?: boolean }): Promise<boolean>;
}
interface MemoryServerModule {
  MongoMemoryServer: {
    create(options?: { instance?: { dbPath?: string; ip?: string; storageEngine?: string } }): Promise<MemoryServerInstance>;
  };
}

function loadMemoryServer(): MemoryServerModule | undefined {
  try {
    // Loaded only when needed: it is a dependency, but a deployment may prune it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, typed by the interface above
    return require('mongodb-memory-server') as MemoryServerModule;
  } catch {
    return undefined;
  }
}

async function startMemoryServer(module: MemoryServerModule, dataDir: string | undefined): Promise<MongoServer> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = await module.MongoMemoryServer.create({
    instance: { ip: '127.0.0.1', ...(dataDir ? { dbPath: resolve(dataDir), storageEngine: 'wiredTiger' } : {}) },
  });
  return {
    uri: server.getUri(),
    kind: 'memory-server',
    ...(dataDir ? { dataDir: resolve(dataDir) } : {}),
    async stop() {
      await server.stop({ doCleanup: !dataDir, force: !dataDir });
    },
  };
}

// --- helpers ---------------------------------------------------------------------------------

async function pingUri(uri: string, timeoutMs: number): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

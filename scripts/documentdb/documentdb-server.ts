// DocumentDB (../shared/documentdb: PostgreSQL 15 with the documentdb extension and its
// MongoDB-wire gateway) for the integration tests' second database and for benchmarks: real
// indexes, unlike FerretDB v1. start.sh into a fresh temporary data folder on a free loopback
// port; stop.sh and the folder removed on stop(), and also when this process exits or is
// interrupted (start.sh daemonizes both servers, so they would otherwise outlive us).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, onExitCleanup } from '../../src/runtime/embedded/managed-process';

export interface DocumentDbServer {
  /** `mongodb://USER:PASSWORD@127.0.0.1:PORT/?authMechanism=SCRAM-SHA-256&directConnection=true` */
  readonly uri: string;
  readonly dataDir: string;
  /** Stops the gateway and PostgreSQL (stop.sh) and removes the data folder. */
  stop(): Promise<void>;
}

export interface StartDocumentDbOptions {
  /** The folder holding start.sh and stop.sh; default `documentDbDir()`. */
  dir?: string;
  log?: (message: string) => void;
}

const REPO_ROOT = resolve(__dirname, '../..');
const START_TIMEOUT_MS = 90_000;
const PORT_ATTEMPTS = 3;
/** What install.sh puts in place and start.sh needs (start.sh checks the same two). */
const INSTALLED_FILES = ['/usr/lib/postgresql/15/bin/postgres', '/usr/share/postgresql/15/extension/documentdb.control'];

const execFileAsync = promisify(execFile);

/** `KIBBLE_DOCUMENTDB_DIR` when set, else `<repo>/../shared/documentdb` (CI copies shared/ beside the clone). */
export function documentDbDir(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.KIBBLE_DOCUMENTDB_DIR;
  return chosen !== undefined && chosen !== '' ? resolve(chosen) : join(REPO_ROOT, '..', 'shared', 'documentdb');
}

/** Undefined when DocumentDB can start from `dir`, else one line saying what to do. */
export function documentDbProblem(dir: string = documentDbDir()): string | undefined {
  if (!existsSync(join(dir, 'start.sh'))) {
    return `DocumentDB not found: no start.sh in ${dir} (set KIBBLE_DOCUMENTDB_DIR to the shared documentdb folder)`;
  }
  const missing = INSTALLED_FILES.find((file) => !existsSync(file));
  if (missing !== undefined) {
    return `DocumentDB is not installed on this machine (no ${missing}): run ${join(dir, 'install.sh')} as root once`;
  }
  return undefined;
}

/** The URI with its password replaced by `***`, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:@/]+):[^@/]*@/, '$1:***@');
}

export async function startDocumentDb(options: StartDocumentDbOptions = {}): Promise<DocumentDbServer> {
  const dir = options.dir ?? documentDbDir();
  const problem = documentDbProblem(dir);
  if (problem !== undefined) throw new Error(problem);

  const dataDir = mkdtempSync(join(tmpdir(), 'kibble-documentdb-'));
  let stopped = false;
  const stopNow = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [join(dir, 'stop.sh'), dataDir], { stdio: 'ignore', timeout: 70_000 });
    rmSync(dataDir, { recursive: true, force: true });
  };
  const unregisterCleanup = onExitCleanup(stopNow);

  try {
    const uri = await startOnFreePort(dir, dataDir, options.log);
    return {
      uri,
      dataDir,
      stop() {
        unregisterCleanup();
        stopNow();
        return Promise.resolve();
      },
    };
  } catch (error) {
    unregisterCleanup();
    stopNow();
    throw error;
  }
}

async function startOnFreePort(dir: string, dataDir: string, log: ((message: string) => void) | undefined): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // PostgreSQL's port too: start.sh's own pick only checks that nothing listens there, and a
    // busy machine's outgoing connections use ports in its range ("Address already in use").
    const pgPort = await freePort();
    try {
      const { stdout } = await execFileAsync('bash', [join(dir, 'start.sh'), dataDir, String(port)], {
        encoding: 'utf8',
        timeout: START_TIMEOUT_MS,
        env: { ...process.env, DOCDB_PG_PORT: String(pgPort) },
      });
      const uri = stdout.trim();
      if (!uri.startsWith('mongodb://')) throw new Error(`start.sh printed no connection string (got ${JSON.stringify(redactUri(uri))})`);
      return uri;
    } catch (error) {
      const output = (error as { stderr?: string }).stderr ?? (error instanceof Error ? error.message : String(error));
      // Another process may have taken a port between freePort() and start.sh.
      if (attempt < PORT_ATTEMPTS && /in use/i.test(output)) {
        log?.(`DocumentDB: port ${port} or ${pgPort} was taken, trying others`);
        continue;
      }
      throw new Error(`DocumentDB did not start (${join(dir, 'start.sh')} ${dataDir} ${port}):\n${output.trim()}`, { cause: error });
    }
  }
}

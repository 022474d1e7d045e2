// Several real `kibble serve` processes (compiled, as in production: test/support/child-build.ts)
// on one database and one regtest node, for the multi-instance fault tests. Each is a child
// process of its own that a test can SIGKILL; the lease holders in the claims collection name
// their process (see holderPid).
//
//   const cluster = await startInstances(3, { MONGODB_URI: ..., CHAIN_RPC_URL: ..., ... });
//   await cluster[0].api('POST', '/api/v1/accounts', { body: {...} });
//   await instanceOf(cluster, holder).kill();
import { join } from 'node:path';
import { freePort, spawnManaged, tail, waitUntilReady, type ManagedProcess } from '../../src/runtime/embedded/managed-process';
import { kibbleNodeArgs } from './child-build';

const ROOT = join(__dirname, '../..');
/** Three start at once on a busy machine, hence generous. */
const START_TIMEOUT_MS = 120_000;

export interface ApiReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface KibbleInstance {
  /** 0, 1, 2...: for messages. */
  readonly index: number;
  readonly base: string;
  readonly pid: number;
  readonly process: ManagedProcess;
  alive(): boolean;
  /** A JSON request to this instance; `token` is sent as a bearer token. */
  api<T = Record<string, unknown>>(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<ApiReply<T>>;
  /** SIGKILL (no shutdown, no lease release, like a power cut); resolves once the process is gone. */
  kill(): Promise<void>;
}

/** The process's own environment: only what it needs, nothing inherited from the test's settings. */
function instanceEnv(shared: Record<string, string>, port: number): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR'];
  const inherited = Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]));
  return { ...inherited, ...shared, HOST: '127.0.0.1', PORT: String(port) };
}

/** Starts them side by side; if one fails to come up, the others are stopped again. */
export async function startInstances(count: number, sharedEnv: Record<string, string>): Promise<KibbleInstance[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, async (_, index) => startInstance(index, sharedEnv)));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await stopInstances(started);
    throw failed.reason;
  }
  return started;
}

async function startInstance(index: number, sharedEnv: Record<string, string>): Promise<KibbleInstance> {
  const port = await freePort();
  const proc = spawnManaged(`kibble serve #${index}`, process.execPath, [...kibbleNodeArgs(), 'serve'], { cwd: ROOT, env: instanceEnv(sharedEnv, port) });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilReady(proc, async () => (await fetch(`${base}/readyz`)).status === 200, { timeoutMs: START_TIMEOUT_MS, what: 'answer /readyz with 200' });
  return {
    index,
    base,
    pid: proc.pid,
    process: proc,
    alive: () => !proc.hasExited(),
    async api<T>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiReply<T>> {
      const headers: Record<string, string> = {};
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
    },
    async kill() {
      if (proc.hasExited()) return;
      process.kill(proc.pid, 'SIGKILL');
      await proc.exited;
    },
  };
}

/** Stops the instances still running (SIGTERM, then SIGKILL), all at once. */
export async function stopInstances(instances: readonly KibbleInstance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.process.stop(5_000)));
}

/** The pid in a lease holder's name (`<host>:<pid>:<random>`, src/runtime/service.ts). */
export function holderPid(holder: string): number {
  const parts = holder.split(':');
  const pid = Number(parts[parts.length - 2]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`lease holder ${JSON.stringify(holder)} names no process`);
  return pid;
}

export function instanceOf(instances: readonly KibbleInstance[], holder: string): KibbleInstance {
  const pid = holderPid(holder);
  const found = instances.find((instance) => instance.pid === pid);
  if (found === undefined) throw new Error(`lease holder ${holder} is none of the instances (pids ${instances.map((i) => i.pid).join(', ')})`);
  return found;
}

/** The last lines of every instance's output, for a failure message. */
export function instancesOutput(instances: readonly KibbleInstance[], max = 3_000): string {
  return instances.map((instance) => `--- instance #${instance.index} (pid ${instance.pid}${instance.alive() ? '' : ', dead'}):\n${tail(instance.process.output(), max)}`).join('\n');
}

// The real Dogecoin Core node (v1.14.1, ../shared/dogecoin-core) on regtest for integration tests,
// with today's mainnet relay and dust policy (flags from that folder's README): a temp datadir
// (removed on stop), random RPC credentials, JSON-RPC and P2P on free loopback ports.
// Optionally a policy peer: a second dogecoind with the same policy that the first connects to.
// v1.14.1's own sendrawtransaction skips the relay-fee check; the peer applies it, so a
// transaction found in the peer's mempool is proof that it relays.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort, onExitCleanup, spawnManaged, waitUntilReady, type ManagedProcess } from '../../src/runtime/embedded/managed-process';

export interface DogecoinRpcEndpoint {
  /** `http://<user>:<password>@127.0.0.1:<port>/`, for JsonRpcChainClient. */
  readonly rpcUrl: string;
  readonly rpcPort: number;
  readonly p2pPort: number;
  /** A raw JSON-RPC call, throwing on an RPC error. */
  // A property, not a method: callers pass it around unbound.
  rpc: <T = unknown>(method: string, params?: readonly unknown[]) => Promise<T>;
}

export interface DogecoinNode extends DogecoinRpcEndpoint {
  /** The policy peer, when started with `policyPeer: true`. */
  readonly peer: DogecoinRpcEndpoint | undefined;
  /** Stops the node (and its peer), waits for them to exit and removes their datadirs. */
  stop(): Promise<void>;
}

export interface StartDogecoinNodeOptions {
  /** The dogecoind binary; default `findDogecoind()`. */
  binary?: string;
  policyPeer?: boolean;
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

/** Today's mainnet policy as closely as v1.14.1 allows (see ../shared/dogecoin-core/README.md). */
export const MAINNET_POLICY_FLAGS = [
  '-acceptnonstdtxn=0',
  '-minrelaytxfee=0.001',
  '-blockmintxfee=0.001',
  '-dustrelayfee=0.00033333',
] as const;

const PORT_ATTEMPTS = 3;
/** What dogecoind prints when a port it was given is taken (P2P, then RPC). */
const BIND_FAILURE = /Unable to bind|Unable to start HTTP server|Address already in use/i;
const REPO_ROOT = resolve(__dirname, '../..');

/**
 * Where the dogecoind binary is: `DOGECOIND` when set (only there: an explicit choice is not
 * second-guessed), else `dogecoind` on PATH, else `<repo>/../shared/dogecoin-core/bin/dogecoind`
 * (CI copies shared/ beside the clone). Undefined when none exists.
 */
export function findDogecoind(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.DOGECOIND;
  const candidates =
    chosen !== undefined && chosen !== ''
      ? [chosen]
      : [
          ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'dogecoind')),
          join(REPO_ROOT, '..', 'shared', 'dogecoin-core', 'bin', 'dogecoind'),
        ];
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `dogecoind -version`: undefined when the binary loads, otherwise why it does not (a missing
 * shared library shows up here, before any test starts a node).
 */
export function dogecoindLoadProblem(binary: string): string | undefined {
  try {
    const out = execFileSync(binary, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    return /Dogecoin Core/i.test(out) ? undefined : `unexpected -version output: ${out.slice(0, 200)}`;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const message = error instanceof Error ? error.message : String(error);
    return (stderr.trim() || message).split('\n')[0];
  }
}

export async function startDogecoinNode(options: StartDogecoinNodeOptions = {}): Promise<DogecoinNode> {
  const binary = options.binary ?? findDogecoind();
  if (binary === undefined) {
    throw new Error('dogecoind not found: set DOGECOIND, put dogecoind on PATH, or provide ../shared/dogecoin-core/bin');
  }
  const peer = options.policyPeer ? await startDaemon(binary, 'dogecoind-peer', ['-listen=1'], options) : undefined;
  let main: Daemon | undefined;
  try {
    const extra = peer ? [`-connect=127.0.0.1:${peer.p2pPort}`, '-listen=0'] : ['-listen=0'];
    main = await startDaemon(binary, 'dogecoind', extra, options);
    if (peer) await waitForConnection(main, options.startTimeoutMs ?? 30_000);
    const started = main;
    return {
      rpcUrl: started.rpcUrl,
      rpcPort: started.rpcPort,
      p2pPort: started.p2pPort,
      rpc: started.rpc,
      peer,
      async stop() {
        await Promise.all([started.stop(), peer?.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([main?.stop(), peer?.stop()]);
    throw error;
  }
}

interface Daemon extends DogecoinRpcEndpoint {
  stop(): Promise<void>;
}

async function startDaemon(binary: string, name: string, extraArgs: readonly string[], options: StartDogecoinNodeOptions): Promise<Daemon> {
  const user = `kibble${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  const datadir = mkdtempSync(join(tmpdir(), `kibble-${name}-`));
  const removeDatadir = (): void => rmSync(datadir, { recursive: true, force: true });
  const unregisterCleanup = onExitCleanup(removeDatadir);

  for (let attempt = 1; ; attempt++) {
    const rpcPort = await freePort();
    const p2pPort = await freePort();
    const listening = extraArgs.includes('-listen=1');
    const args = [
      '-regtest',
      '-server',
      `-datadir=${datadir}`,
      `-rpcuser=${user}`,
      `-rpcpassword=${password}`,
      `-rpcport=${rpcPort}`,
      '-rpcbind=127.0.0.1',
      '-rpcallowip=127.0.0.1',
      `-port=${p2pPort}`,
      ...(listening ? [`-bind=127.0.0.1:${p2pPort}`] : []),
      '-printtoconsole=1',
      '-discover=0',
      '-dnsseed=0',
      '-upnp=0',
      ...MAINNET_POLICY_FLAGS,
      ...extraArgs,
    ];
    options.log?.(`starting ${name} regtest (JSON-RPC on 127.0.0.1:${rpcPort}, P2P ${listening ? `on 127.0.0.1:${p2pPort}` : 'outbound only'})`);
    const proc = spawnManaged(name, binary, args, { env: { ...process.env, HOME: datadir } });
    const endpoint = rpcEndpoint(rpcPort, p2pPort, user, password);
    try {
      // dogecoind may linger after failing to bind its RPC port (another process then answers
      // there): stop it at once so that the next attempt takes other ports.
      const probe = async (): Promise<boolean> => {
        if (!BIND_FAILURE.test(proc.output())) return endpoint.probe();
        await proc.stop(2_000);
        return false;
      };
      await waitUntilReady(proc, probe, {
        timeoutMs: options.startTimeoutMs ?? 30_000,
        what: `answer getblockchaininfo on port ${rpcPort}`,
      });
    } catch (error) {
      await proc.stop(2_000);
      if (attempt < PORT_ATTEMPTS && BIND_FAILURE.test(proc.output())) continue;
      removeDatadir();
      unregisterCleanup();
      throw error;
    }
    const { probe: _probe, ...api } = endpoint;
    return {
      ...api,
      async stop() {
        await stopDaemon(proc);
        removeDatadir();
        unregisterCleanup();
      },
    };
  }
}

/** SIGTERM is dogecoind's clean shutdown; SIGKILL if it takes long (the datadir is thrown away). */
async function stopDaemon(proc: ManagedProcess): Promise<void> {
  await proc.stop(5_000);
}

function rpcEndpoint(rpcPort: number, p2pPort: number, user: string, password: string): DogecoinRpcEndpoint & { probe: () => Promise<boolean> } {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const call = async <T>(method: string, params: readonly unknown[], signal?: AbortSignal): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${rpcPort}/`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '1.0', method, params, id: 1 }),
      signal,
    });
    const text = await response.text();
    let body: { result?: T; error?: { code: number; message: string } | null };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`${method}: HTTP ${response.status} ${text.slice(0, 200)}`);
    }
    if (body.error) throw new Error(`${method}: RPC error ${body.error.code}: ${body.error.message}`);
    return body.result as T;
  };
  return {
    rpcUrl: `http://${user}:${password}@127.0.0.1:${rpcPort}/`,
    rpcPort,
    p2pPort,
    rpc: <T>(method: string, params: readonly unknown[] = []) => call<T>(method, params),
    // -28 "Loading block index..." while warming up: not ready yet. Bounded, in case something
    // else holds the port and never answers.
    probe: async () => (await call<{ chain?: string }>('getblockchaininfo', [], AbortSignal.timeout(2_000))).chain === 'regtest',
  };
}

async function waitForConnection(node: DogecoinRpcEndpoint, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await node.rpc<number>('getconnectioncount')) > 0) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`dogecoind did not connect to its policy peer within ${timeoutMs} ms`);
}

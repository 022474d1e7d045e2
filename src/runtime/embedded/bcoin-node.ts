// A real regtest full node (bcoin 1.0.2) for integration tests and the embedded development
// default: in memory, no P2P listener, no wallet, JSON-RPC on 127.0.0.1 behind an API key.
// Its regtest uses bcoin's own prefixes (P2PKH 0x3c, P2SH 0x26, WIF 0x5a): see DESIGN.md §8.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, onExitCleanup, spawnManaged, waitUntilReady } from './managed-process';

export interface RegtestNode {
  /** JSON-RPC endpoint with the credentials in it: `http://x:<apiKey>@127.0.0.1:<port>/`. */
  readonly rpcUrl: string;
  readonly apiKey: string;
  readonly port: number;
  /** The node's process id (benchmarks read its CPU time). */
  readonly pid: number;
  /** Kills the node (waits for its exit) and removes its temporary folder. */
  stop(): Promise<void>;
}

export interface StartRegtestNodeOptions {
  /** Keep the chain on disk in this folder (reused next start). Default: in memory, temp prefix. */
  dataDir?: string;
  /** Extra bcoin options, e.g. `--index-tx=true`. */
  extraArgs?: readonly string[];
  startTimeoutMs?: number;
  /** bcoin log level: none, error, warning, info, debug, spam. Default warning. */
  logLevel?: string;
  /** Progress messages. Default: silent. */
  log?: (message: string) => void;
}

const PORT_ATTEMPTS = 3;

export async function startRegtestNode(options: StartRegtestNodeOptions = {}): Promise<RegtestNode> {
  const apiKey = randomBytes(16).toString('hex');
  // bcoin reads <prefix>/bcoin.conf and BCOIN_* variables: a fresh prefix and a clean env keep
  // the node independent of the machine (and nothing is written to ~/.bcoin).
  const persistent = options.dataDir !== undefined;
  const prefix = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kibble-bcoin-'));
  if (persistent) mkdirSync(prefix, { recursive: true });
  const removePrefix = (): void => {
    if (!persistent) rmSync(prefix, { recursive: true, force: true });
  };
  const unregisterCleanup = onExitCleanup(removePrefix);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toUpperCase().startsWith('BCOIN_')));
  const script = join(dirname(require.resolve('bcoin/package.json')), 'bin', 'node');

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [
      script,
      '--network=regtest',
      `--memory=${persistent ? 'false' : 'true'}`,
      '--listen=false',
      '--workers=false',
      '--no-wallet=true',
      `--prefix=${prefix}`,
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      `--api-key=${apiKey}`,
      `--log-level=${options.logLevel ?? 'warning'}`,
      ...(options.extraArgs ?? []),
    ];
    options.log?.(`starting bcoin regtest node (JSON-RPC on 127.0.0.1:${port}, chain ${persistent ? `in ${prefix}` : 'in memory'})`);
    const proc = spawnManaged('bcoin', process.execPath, args, { env });
    const rpcUrl = `http://x:${apiKey}@127.0.0.1:${port}/`;
    try {
      await waitUntilReady(proc, () => answersRpc(port, apiKey), {
        timeoutMs: options.startTimeoutMs ?? 30_000,
        what: `answer getblockchaininfo on port ${port}`,
      });
    } catch (error) {
      await proc.stop(2_000);
      if (attempt < PORT_ATTEMPTS && /EADDRINUSE/.test(proc.output())) continue;
      removePrefix();
      unregisterCleanup();
      throw error;
    }
    return {
      rpcUrl,
      apiKey,
      port,
      pid: proc.pid,
      async stop() {
        await proc.stop(5_000);
        removePrefix();
        unregisterCleanup();
      },
    };
  }
}

async function answersRpc(port: number, apiKey: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`x:${apiKey}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ method: 'getblockchaininfo', params: [], id: 1 }),
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) return false;
  const body = (await response.json()) as { result?: { chain?: unknown } };
  return body.result?.chain === 'regtest';
}

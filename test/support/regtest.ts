// Per-test-file regtest node: bcoin 1.0.2 (from npm) or the real Dogecoin Core (dogecoind v1.14.1,
// ../shared/dogecoin-core). Call in describe scope:
//
//   const node = useRegtestNode('dogecoind', { policyPeer: true });
//   it('...', async () => { const height = await node.rpc<number>('getblockcount'); });
//
// or run a whole describe block once per node:
//
//   describeEachNode('deposit scanner', (kind) => { const node = useRegtestNode(kind); ... });
//
// The node starts in beforeAll and is stopped in afterAll; each file gets a fresh, empty chain.
// Where no dogecoind can be found (or it cannot load its libraries) the dogecoind blocks are
// skipped, and global-setup.ts says so once; with CI=true that is a failure instead.
import { startRegtestNode, type RegtestNode } from '../../src/runtime/embedded/bcoin-node';
import { dogecoindLoadProblem, findDogecoind, startDogecoinNode, type DogecoinNode } from '../../scripts/regtest/dogecoin-node';
import { chainProfile, type ChainProfile } from '../../src/chain/profiles';

export const NODE_KINDS = ['bcoin', 'dogecoind'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** Set by global-setup.ts: the dogecoind binary the tests use, or empty when there is none. */
export const TEST_DOGECOIND_ENV = 'KIBBLE_TEST_DOGECOIND';
/** Optional: a comma list of node kinds to run (e.g. `bcoin`); default every kind available. */
export const TEST_NODES_ENV = 'KIBBLE_TEST_NODES';

export interface RawRpc {
  /** A raw JSON-RPC call (no dependency on src/chain), throwing on an RPC error. */
  rpc<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
}

export interface TestRegtestNode extends RawRpc {
  readonly kind: NodeKind;
  /** The chain profile matching the node's address versions: bcoin-regtest or dogecoin-regtest. */
  readonly chain: ChainProfile;
  /** JSON-RPC endpoint with the credentials in it, for JsonRpcChainClient. */
  readonly rpcUrl: string;
  /** dogecoind's policy peer (`policyPeer: true`), which the node relays to. */
  readonly peer: RawRpc | undefined;
}

export interface UseRegtestNodeOptions {
  /** dogecoind only: start a second node with the same policy and connect the first to it. */
  policyPeer?: boolean;
}

export function chainOf(kind: NodeKind): ChainProfile {
  return chainProfile(kind === 'bcoin' ? 'bcoin-regtest' : 'dogecoin-regtest');
}

/** Why dogecoind tests cannot run here, or undefined when they can. */
export function dogecoindUnavailable(): string | undefined {
  const fromSetup = process.env[TEST_DOGECOIND_ENV];
  if (fromSetup !== undefined) return fromSetup === '' ? 'no usable dogecoind (see the line global setup printed)' : undefined;
  return dogecoindProblem();
}

/** Finds dogecoind and checks that it loads: undefined when usable, else how to enable it. */
export function dogecoindProblem(): string | undefined {
  const binary = findDogecoind();
  if (binary === undefined) {
    const where = process.env.DOGECOIND ? `DOGECOIND=${process.env.DOGECOIND} is not an executable file` : 'no dogecoind found (DOGECOIND, PATH, ../shared/dogecoin-core/bin)';
    return `${where}; to enable: put ../shared/dogecoin-core beside the repository and run \`sudo bash ../shared/dogecoin-core/install-runtime.sh\`, or set DOGECOIND=<path>`;
  }
  const problem = dogecoindLoadProblem(binary);
  if (problem === undefined) return undefined;
  return `${binary} does not run (${problem}); its runtime libraries are probably missing: install them with \`sudo bash ../shared/dogecoin-core/install-runtime.sh\``;
}

function selected(kind: NodeKind): boolean {
  const list = process.env[TEST_NODES_ENV];
  return list === undefined || list.trim() === '' || list.split(',').map((item) => item.trim()).includes(kind);
}

/** One describe block per node kind, named `<name> [<kind>]`; dogecoind's is skipped when unavailable. */
export function describeEachNode(name: string, body: (kind: NodeKind) => void): void {
  for (const kind of NODE_KINDS) {
    const runs = selected(kind) && (kind === 'bcoin' || dogecoindUnavailable() === undefined);
    (runs ? describe : describe.skip)(`${name} [${kind}]`, () => body(kind));
  }
}

/** A describe block for dogecoind only (skipped like describeEachNode's when unavailable). */
export function describeOnDogecoind(name: string, body: () => void): void {
  const runs = selected('dogecoind') && dogecoindUnavailable() === undefined;
  (runs ? describe : describe.skip)(`${name} [dogecoind]`, body);
}

export function useRegtestNode(kind: NodeKind = 'bcoin', options: UseRegtestNodeOptions = {}): TestRegtestNode {
  let node: RegtestNode | DogecoinNode | undefined;
  let call: RawRpc['rpc'] | undefined;

  beforeAll(async () => {
    if (kind === 'bcoin') {
      const bcoin = await startRegtestNode();
      node = bcoin;
      call = (method, params = []) => bcoinRpc(bcoin, method, params);
    } else {
      const binary = process.env[TEST_DOGECOIND_ENV] || undefined;
      const dogecoind = await startDogecoinNode({ binary, policyPeer: options.policyPeer === true });
      node = dogecoind;
      call = dogecoind.rpc;
    }
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    node = undefined;
  });

  const started = (): RegtestNode | DogecoinNode => {
    if (!node) throw new Error('useRegtestNode(): the node is not started yet (use it inside tests or hooks)');
    return node;
  };

  return {
    kind,
    chain: chainOf(kind),
    get rpcUrl() {
      return started().rpcUrl;
    },
    get peer() {
      const current = started();
      return 'peer' in current ? current.peer : undefined;
    },
    rpc: <T>(method: string, params: readonly unknown[] = []) => {
      started();
      return (call as RawRpc['rpc'])<T>(method, params);
    },
  };
}

async function bcoinRpc<T>(node: RegtestNode, method: string, params: readonly unknown[]): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${node.port}/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`x:${node.apiKey}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ method, params, id: 1 }),
  });
  const body = (await response.json()) as { result?: T; error?: { code: number; message: string } | null };
  if (body.error) throw new Error(`${method}: RPC error ${body.error.code}: ${body.error.message}`);
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status}`);
  return body.result as T;
}

/**
 * Waits until the policy peer has each transaction, in its mempool or unspent in its chain
 * (`gettxout` with the mempool), and returns the txids it still lacks after `timeoutMs`. dogecoind
 * announces transactions to a peer after a random delay of a few seconds (trickling).
 */
export async function missingAtPeer(node: TestRegtestNode, txids: readonly string[], timeoutMs = 30_000): Promise<string[]> {
  const peer = node.peer;
  if (peer === undefined) throw new Error('missingAtPeer(): the node has no policy peer (useRegtestNode("dogecoind", { policyPeer: true }))');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mempool = new Set(await peer.rpc<string[]>('getrawmempool'));
    const missing: string[] = [];
    for (const txid of txids) {
      if (mempool.has(txid)) continue;
      if ((await peer.rpc('gettxout', [txid, 0, true])) !== null) continue;
      missing.push(txid);
    }
    if (missing.length === 0 || Date.now() >= deadline) return missing;
    await new Promise((done) => setTimeout(done, 250));
  }
}

// Per-test-file bcoin regtest node. Call in describe scope:
//
//   const node = useRegtestNode();
//   it('...', async () => { const height = await node.rpc<number>('getblockcount'); });
//
// The node starts in beforeAll and is killed in afterAll; each file gets a fresh, empty chain.
import { startRegtestNode, type RegtestNode } from '../../scripts/regtest/bcoin-node';

export interface TestRegtestNode {
  /** `http://x:<apiKey>@127.0.0.1:<port>/`, for JsonRpcChainClient. */
  readonly rpcUrl: string;
  readonly apiKey: string;
  readonly port: number;
  /** A raw JSON-RPC call (no dependency on src/chain), throwing on an RPC error. */
  rpc<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
}

export function useRegtestNode(): TestRegtestNode {
  let node: RegtestNode | undefined;

  beforeAll(async () => {
    node = await startRegtestNode();
  });

  afterAll(async () => {
    await node?.stop();
    node = undefined;
  });

  const started = (): RegtestNode => {
    if (!node) throw new Error('useRegtestNode(): the node is not started yet (use it inside tests or hooks)');
    return node;
  };

  return {
    get rpcUrl() {
      return started().rpcUrl;
    },
    get apiKey() {
      return started().apiKey;
    },
    get port() {
      return started().port;
    },
    rpc: (method, params = []) => rawRpc(started(), method, params),
  };
}

async function rawRpc<T>(node: RegtestNode, method: string, params: readonly unknown[]): Promise<T> {
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

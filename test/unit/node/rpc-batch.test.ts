import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonRpcChainClient, RpcError } from '../../../src/node/rpc-client';
import { isKibbleError } from '../../../src/errors';

/**
 * JSON-RPC batches (one HTTP request, an array of calls) as the scanner fetches blocks with them,
 * against a fake node over real HTTP on 127.0.0.1 that answers each call of the array.
 */
interface Call {
  id: unknown;
  method: string;
  params: unknown[];
}
type Answer = (call: Call) => { result?: unknown; error?: { code: number; message: string } };

const HASH = (n: number): string => n.toString(16).padStart(64, '0');
const FAST = { backoffMs: 5, maxBackoffMs: 20 };

let server: Server | undefined;
let requests: unknown[] = [];

async function fakeNode(answer: Answer, options: { reverse?: boolean; failFirst?: boolean } = {}): Promise<string> {
  requests = [];
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Call | Call[];
      requests.push(body);
      if (options.failFirst === true && requests.length === 1) {
        res.writeHead(503).end('busy');
        return;
      }
      const calls = Array.isArray(body) ? body : [body];
      const answers = calls.map((call) => ({ result: null, error: null, id: call.id, ...answer(call) }));
      if (options.reverse === true) answers.reverse(); // JSON-RPC does not promise the order
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://u:p@127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

afterEach(async () => {
  const closing = server;
  server = undefined;
  if (closing) {
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  }
});

const TIP = 5;
const chainOfSix: Answer = ({ method, params }) => {
  if (method === 'getblockhash') {
    const height = params[0] as number;
    return height > TIP ? { error: { code: -8, message: 'Block height out of range' } } : { result: HASH(height + 1) };
  }
  if (method === 'getblock') return params[0] === HASH(99) ? { error: { code: -5, message: 'Block not found' } } : { result: (params[0] as string).slice(-2) };
  return { error: { code: -32601, message: 'Method not found' } };
};

describe('JSON-RPC batches', () => {
  it('asks for many block hashes in one request, matching answers by id, undefined above the tip', async () => {
    const client = new JsonRpcChainClient(await fakeNode(chainOfSix, { reverse: true }), FAST);
    await expect(client.getBlockHashes([3, 4, 5, 6, 7])).resolves.toEqual([HASH(4), HASH(5), HASH(6), undefined, undefined]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual([3, 4, 5, 6, 7].map((height) => expect.objectContaining({ method: 'getblockhash', params: [height] }) as unknown));
  });

  it("takes bcoin's 'Not found.' for a height it is rewinding through as no block there, and other errors as errors", async () => {
    // bcoin while invalidateblock rewinds its chain: the tip not lowered yet, the block at 5 gone.
    const rewinding: Answer = (call) => {
      if (call.method === 'getblockhash' && call.params[0] === 5) return { error: { code: -1, message: 'Not found.' } };
      if (call.method === 'getblockhash' && call.params[0] === 9) return { error: { code: -1, message: 'Database is corrupt.' } };
      return chainOfSix(call);
    };
    const client = new JsonRpcChainClient(await fakeNode(rewinding), FAST);
    await expect(client.getBlockHashes([4, 5, 6])).resolves.toEqual([HASH(5), undefined, undefined]);
    expect(await client.getBlockHashes([9]).catch((caught: unknown) => caught)).toMatchObject({ rpcCode: -1, rpcMessage: 'Database is corrupt.' });
  });

  it('fetches many raw blocks in one request, with `false`, in the order asked', async () => {
    const client = new JsonRpcChainClient(await fakeNode(chainOfSix, { reverse: true }), FAST);
    const blocks = await client.getRawBlocks([HASH(0x11), HASH(0x22), HASH(0x33)]);
    expect(blocks.map((bytes) => Array.from(bytes))).toEqual([[0x11], [0x22], [0x33]]);
    expect(requests).toHaveLength(1);
    expect((requests[0] as Call[]).map((call) => call.params)).toEqual([[HASH(0x11), false], [HASH(0x22), false], [HASH(0x33), false]]);
  });

  it("fails with the node's RpcError when one of the blocks is unknown", async () => {
    const client = new JsonRpcChainClient(await fakeNode(chainOfSix), FAST);
    const error = await client.getRawBlocks([HASH(1), HASH(99)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ rpcCode: -5, method: 'getblock' });
  });

  it('refuses a result of the wrong shape with rpc-error, and sends nothing for an empty list', async () => {
    const client = new JsonRpcChainClient(await fakeNode(() => ({ result: 42 })), FAST);
    expect(isKibbleError(await client.getBlockHashes([1]).catch((caught: unknown) => caught), 'rpc-error')).toBe(true);
    await expect(client.getRawBlocks([])).resolves.toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('retries a batch of reads after a transient failure', async () => {
    const client = new JsonRpcChainClient(await fakeNode(chainOfSix, { failFirst: true }), FAST);
    await expect(client.getBlockHashes([0, 1])).resolves.toEqual([HASH(1), HASH(2)]);
    expect(requests).toHaveLength(2);
  });
});

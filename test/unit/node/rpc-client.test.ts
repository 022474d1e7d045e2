import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transaction } from 'bitcoinjs-lib';
import {
  coinsToUnits,
  JsonRpcChainClient,
  RpcError,
  RpcUnreachableError,
  type RetryNotice,
} from '../../../src/node/rpc-client';
import { isKibbleError } from '../../../src/errors';

/**
 * A fake node over real HTTP on 127.0.0.1: the client's sockets, timeouts and status handling are
 * exercised for real; only the node's answers are scripted.
 */
interface Seen {
  method: string;
  params: unknown[];
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
/** `cutOff`: headers and half the body are sent, then the node stalls (`stall`) or drops the connection (`drop`). */
type Reply = { status?: number; json?: unknown; text?: string; hang?: boolean; cutOff?: 'stall' | 'drop' };
type Script = (call: Seen, index: number) => Reply;

interface FakeNode {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

async function startFakeNode(script: Script): Promise<FakeNode> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      const call = { method: String(body.method), params: body.params as unknown[], headers: req.headers, body };
      seen.push(call);
      const reply = script(call, seen.length - 1);
      if (reply.hang) return; // never answer: the client's timeout must fire
      const text = reply.text ?? JSON.stringify(reply.json);
      if (reply.cutOff !== undefined) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': String(text.length) });
        res.write(text.slice(0, text.length >> 1));
        if (reply.cutOff === 'drop') setTimeout(() => res.destroy(), 20);
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://alice:s3cret%40pw@127.0.0.1:${port}/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok = (result: unknown): Reply => ({ json: { result, error: null, id: 1 } });
const rpcFailure = (code: number, message: string, status = 500): Reply => ({
  status,
  json: { result: null, error: { code, message }, id: 1 },
});
const HASH = 'ab'.repeat(32);
const FAST = { backoffMs: 5, maxBackoffMs: 20 };

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

let node: FakeNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

describe('JsonRpcChainClient requests', () => {
  it('sends JSON-RPC 1.0 with basic auth taken from the URL, which is redacted for logs', async () => {
    node = await startFakeNode(() => ok(42));
    const client = new JsonRpcChainClient(node.url, FAST);
    await expect(client.getBlockCount()).resolves.toBe(42);
    const [call] = node.seen;
    expect(call?.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cret@pw').toString('base64')}`);
    expect(call?.body).toMatchObject({ jsonrpc: '1.0', method: 'getblockcount', params: [] });
    expect(client.redactedUrl).toMatch(/^http:\/\/alice:\*\*\*@127\.0\.0\.1:\d+\/$/);
  });

  it('asks for the raw block with `false` and returns its bytes', async () => {
    node = await startFakeNode(() => ok('00ff10'));
    const client = new JsonRpcChainClient(node.url, FAST);
    expect(Array.from(await client.getRawBlock(HASH))).toEqual([0, 255, 16]);
    expect(node.seen[0]?.params).toEqual([HASH, false]);
  });

  it('refuses a raw block answer that is not hex', async () => {
    node = await startFakeNode(() => ok('00zz'));
    const client = new JsonRpcChainClient(node.url, FAST);
    expect(isKibbleError(await caught(client.getRawBlock(HASH)), 'block-invalid')).toBe(true);
  });

  it('converts gettxout amounts to bigint units and passes null through', async () => {
    const out = { bestblock: HASH, confirmations: 3, value: 12.3456789, scriptPubKey: { hex: '76a9' }, coinbase: false };
    node = await startFakeNode((_, i) => ok(i === 0 ? out : null));
    const client = new JsonRpcChainClient(node.url, FAST);
    await expect(client.getTxOut(HASH, 1)).resolves.toMatchObject({ value: 1_234_567_890n, confirmations: 3 });
    await expect(client.getTxOut(HASH, 2)).resolves.toBeNull();
  });

  it('rejects a result of the wrong shape with rpc-error', async () => {
    node = await startFakeNode(() => ok('not a number'));
    const error = await caught(new JsonRpcChainClient(node.url, FAST).getBlockCount());
    expect(isKibbleError(error, 'rpc-error')).toBe(true);
  });
});

describe('JsonRpcChainClient errors and retries', () => {
  it('turns a JSON-RPC error into RpcError with code and method, without retrying', async () => {
    node = await startFakeNode(() => rpcFailure(-5, 'Block not found'));
    const error = await caught(new JsonRpcChainClient(node.url, FAST).getRawBlock(HASH));
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'rpc-error', rpcCode: -5, method: 'getblock' });
    expect((error as Error).message).toContain('getblock');
    expect(node.seen).toHaveLength(1);
  });

  it('reads a JSON-RPC error from a 404 answer too (method not found)', async () => {
    node = await startFakeNode(() => rpcFailure(-32601, 'Method not found', 404));
    const error = await caught(new JsonRpcChainClient(node.url, FAST).getRawMempool());
    expect(error).toMatchObject({ rpcCode: -32601, method: 'getrawmempool' });
  });

  it('retries a refused connection with backoff, then gives RpcUnreachableError', async () => {
    const closed = await startFakeNode(() => ok(null));
    await closed.close(); // the port is now free: connecting to it is refused
    const notices: RetryNotice[] = [];
    const client = new JsonRpcChainClient(closed.url, { ...FAST, retries: 2, onRetry: (n) => notices.push(n) });
    const error = await caught(client.getBlockCount());
    expect(error).toBeInstanceOf(RpcUnreachableError);
    expect(error).toMatchObject({ code: 'rpc-unreachable', method: 'getblockcount' });
    expect((error as Error).message).toMatch(/getblockcount.*ECONNREFUSED/);
    expect((error as Error).message).not.toContain('s3cret');
    expect(notices.map((n) => [n.attempt, n.delayMs])).toEqual([[1, 5], [2, 10]]);
  });

  it('retries after a timeout and returns the later answer', async () => {
    node = await startFakeNode((_, i) => (i === 0 ? { hang: true } : ok(7)));
    const client = new JsonRpcChainClient(node.url, { ...FAST, timeoutMs: 150 });
    await expect(client.getBlockCount()).resolves.toBe(7);
    expect(node.seen).toHaveLength(2);
  });

  it('times out a node that stalls mid-answer, then retries', async () => {
    node = await startFakeNode((_, i) => (i === 0 ? { ...ok(HASH), cutOff: 'stall' } : ok(HASH)));
    const notices: RetryNotice[] = [];
    const client = new JsonRpcChainClient(node.url, { ...FAST, timeoutMs: 150, onRetry: (n) => notices.push(n) });
    await expect(client.getBestBlockHash()).resolves.toBe(HASH);
    expect(notices.map((n) => n.reason)).toEqual(['timed out after 150 ms']);
  });

  it('retries an answer cut off by a dropped connection', async () => {
    node = await startFakeNode((_, i) => (i === 0 ? { ...ok(HASH), cutOff: 'drop' } : ok(HASH)));
    const notices: RetryNotice[] = [];
    const client = new JsonRpcChainClient(node.url, { ...FAST, onRetry: (n) => notices.push(n) });
    await expect(client.getBestBlockHash()).resolves.toBe(HASH);
    expect(notices.map((n) => n.reason)).toEqual(['ECONNRESET']);
  });

  it('does not repeat generatetoaddress after a timeout: it may have mined already', async () => {
    node = await startFakeNode(() => ({ hang: true }));
    const client = new JsonRpcChainClient(node.url, { ...FAST, timeoutMs: 100 });
    expect(await caught(client.generateToAddress(1, 'addr'))).toBeInstanceOf(RpcUnreachableError);
    expect(node.seen).toHaveLength(1);
  });

  it('retries an HTTP 5xx answer that has no JSON-RPC body', async () => {
    node = await startFakeNode((_, i) => (i === 0 ? { status: 503, text: 'warming up' } : ok(HASH)));
    await expect(new JsonRpcChainClient(node.url, FAST).getBestBlockHash()).resolves.toBe(HASH);
    expect(node.seen).toHaveLength(2);
  });

  it('does not retry rejected credentials and says what to check', async () => {
    node = await startFakeNode(() => ({ status: 401, text: '' }));
    const error = await caught(new JsonRpcChainClient(node.url, FAST).getBlockCount());
    expect(error).toBeInstanceOf(RpcUnreachableError);
    expect((error as Error).message).toMatch(/credentials/);
    expect(node.seen).toHaveLength(1);
  });
});

describe('JsonRpcChainClient.sendRawTransaction', () => {
  const tx = new Transaction();
  tx.addInput(new Uint8Array(32).fill(7), 0);
  tx.addOutput(new Uint8Array([0x51]), 1_000_000n);
  const rawHex = tx.toHex();

  it.each([
    [-27, 'transaction already in block chain'],
    [-26, 'txn-already-known'],
    [-26, '258: txn-already-in-mempool'],
    // Dogecoin Core 1.14.1 (validation.cpp, REJECT_ALREADY_KNOWN = 0x101)
    [-26, '257: txn-already-in-mempool'],
    [-26, '257: txn-already-known'],
    [-25, 'already have transaction'],
  ])('treats %i "%s" as sent, returning the caller\'s txid', async (code, message) => {
    node = await startFakeNode(() => rpcFailure(code, message));
    const client = new JsonRpcChainClient(node.url, FAST);
    await expect(client.sendRawTransaction(rawHex, { txid: 'caller-txid' })).resolves.toBe('caller-txid');
  });

  it('computes the txid itself when the caller gave none', async () => {
    node = await startFakeNode(() => rpcFailure(-26, 'txn-already-in-mempool'));
    await expect(new JsonRpcChainClient(node.url, FAST).sendRawTransaction(rawHex)).resolves.toBe(tx.getId());
  });

  it('passes on "bad-txns-inputs-spent": Dogecoin Core 1.14.1 says it for a double spend and for a mined transaction whose outputs are all spent alike', async () => {
    node = await startFakeNode(() => rpcFailure(-26, '18: bad-txns-inputs-spent'));
    expect(await caught(new JsonRpcChainClient(node.url, FAST).sendRawTransaction(rawHex))).toMatchObject({ rpcCode: -26 });
  });

  it('passes other rejections on, and sends allowhighfees only when asked', async () => {
    node = await startFakeNode(() => rpcFailure(-26, 'txn-mempool-conflict'));
    const client = new JsonRpcChainClient(node.url, FAST);
    expect(await caught(client.sendRawTransaction(rawHex, { allowHighFees: true }))).toMatchObject({ rpcCode: -26 });
    expect(node.seen[0]?.params).toEqual([rawHex, true]);
  });
});

describe('JsonRpcChainClient.estimateFee', () => {
  it.each([
    ['Core/Dogecoin feerate', { feerate: 0.01, blocks: 2 }, 1_000_000n],
    ['bcoin fee', { fee: 0.0002, blocks: 2 }, 20_000n],
    ['no estimate (-1)', { feerate: -1, blocks: 2 }, null],
    ['no estimate (errors only)', { errors: ['Insufficient data'], blocks: 2 }, null],
  ])('reads %s', async (_, answer, expected) => {
    node = await startFakeNode(() => ok(answer));
    await expect(new JsonRpcChainClient(node.url, FAST).estimateFee(2)).resolves.toBe(expected);
  });

  it('falls back to estimatefee on nodes without estimatesmartfee, where -1 means none', async () => {
    node = await startFakeNode((call) =>
      call.method === 'estimatesmartfee' ? rpcFailure(-32601, 'Method not found', 404) : ok(-1),
    );
    await expect(new JsonRpcChainClient(node.url, FAST).estimateFee(6)).resolves.toBeNull();
    expect(node.seen.map((c) => c.method)).toEqual(['estimatesmartfee', 'estimatefee']);
  });
});

describe('coinsToUnits', () => {
  it.each([
    [0, 0n],
    [0.00000001, 1n],
    [0.1 + 0.2, 30_000_000n],
    [12.3456789, 1_234_567_890n],
    [10_000_000_000, 1_000_000_000_000_000_000n],
    [-1, -100_000_000n],
  ])('%p coins is %p units', (coins, units) => {
    expect(coinsToUnits(coins)).toBe(units);
  });
});

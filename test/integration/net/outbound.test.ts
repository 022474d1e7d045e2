import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOutbound } from '../../../src/net/outbound';
import { isKibbleError } from '../../../src/errors';

// A real server on 127.0.0.1: refused by default (loopback), reachable when the policy allows it.
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler = (_request, response) => response.end('ok');
const received: Array<{ method: string; path: string; body: string; signature: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', path: request.url ?? '', body: Buffer.concat(chunks).toString(), signature: request.headers['x-test'] as string | undefined });
      handler(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  handler = (_request, response) => response.end('ok');
});

const strict = createOutbound({ allowPrivate: false });
const open = createOutbound({ allowPrivate: true });

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (isKibbleError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('outbound requests (src/net/outbound.ts)', () => {
  it('refuses a loopback literal, a name resolving to loopback and IPv6 loopback, without connecting', async () => {
    const port = (server.address() as AddressInfo).port;
    for (const url of [`${base}/a`, `http://localhost:${port}/b`, `http://[::1]:${port}/c`, `http://[::ffff:127.0.0.1]:${port}/d`]) {
      expect(await failureOf(strict({ url }))).toEqual({ code: 'outbound-refused', details: expect.objectContaining({ reason: 'address' }) });
    }
    expect(received).toEqual([]);
  });

  it('refuses URLs that are not http(s) or carry credentials', async () => {
    expect((await failureOf(open({ url: 'file:///etc/passwd' }))).code).toBe('outbound-refused');
    expect((await failureOf(open({ url: 'http://user:pw@127.0.0.1/' }))).code).toBe('outbound-refused');
    expect((await failureOf(open({ url: 'not a url' }))).code).toBe('outbound-refused');
  });

  it('sends method, headers and body when private targets are allowed (the test flag)', async () => {
    handler = (_request, response) => response.writeHead(201, { 'content-type': 'text/plain' }).end('created');
    const response = await open({ url: `${base}/hook?x=1`, method: 'POST', headers: { 'x-test': 'sig' }, body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(response.body.toString()).toBe('created');
    expect(received).toEqual([{ method: 'POST', path: '/hook?x=1', body: '{"a":1}', signature: 'sig' }]);
  });

  it('does not follow redirects: the 3xx comes back with its Location', async () => {
    handler = (_request, response) => response.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
    const response = await open({ url: `${base}/moved` });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/latest');
    expect(received).toHaveLength(1);
  });

  it('times out a server that never answers', async () => {
    handler = () => undefined; // keeps the request open
    const started = Date.now();
    expect(await failureOf(open({ url: `${base}/slow`, timeoutMs: 300 }))).toEqual({ code: 'outbound-failed', details: { reason: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('caps the answer size, announced or streamed', async () => {
    handler = (_request, response) => response.end('x'.repeat(5_000));
    expect(await failureOf(open({ url: `${base}/big`, maxBytes: 1_000 }))).toEqual({ code: 'outbound-failed', details: { reason: 'too-large' } });
    handler = (_request, response) => {
      response.write('y'.repeat(800));
      response.end('y'.repeat(800)); // chunked: no content-length
    };
    expect(await failureOf(open({ url: `${base}/chunked`, maxBytes: 1_000 }))).toEqual({ code: 'outbound-failed', details: { reason: 'too-large' } });
    expect((await open({ url: `${base}/chunked`, maxBytes: 2_000 })).body.length).toBe(1_600);
  });

  it('reports a closed port as a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failureOf(open({ url: `http://127.0.0.1:${port}/` }))).toEqual({ code: 'outbound-failed', details: { reason: 'network' } });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local CoinGecko-style price source for tests (127.0.0.1, a free port): answers
 * `/api/v3/simple/price` with whatever `answer` holds, counts requests, and can be made to fail.
 */
export interface PriceServer {
  url: string;
  requests: number;
  /** The JSON body served; `status` other than 200 serves an error. */
  answer: unknown;
  status: number;
  close(): Promise<void>;
}

export async function startPriceServer(answer: unknown): Promise<PriceServer> {
  const state = { requests: 0, answer, status: 200 };
  const server: Server = createServer((request, response) => {
    state.requests += 1;
    if (!request.url?.startsWith('/api/v3/simple/price')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(state.status, { 'content-type': 'application/json' }).end(typeof state.answer === 'string' ? state.answer : JSON.stringify(state.answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/api/v3/simple/price`,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets of the client (Node's default agent keeps them) would hold the close.
      server.closeAllConnections();
    }),
  });
}

/** A URL where nothing listens (a port that was free a moment ago). */
export async function deadPriceUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/v3/simple/price`;
}

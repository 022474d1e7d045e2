import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KibbleError, isKibbleError } from '../errors';
import type { Logger } from '../log';
import type { SigningDesk } from './signing-desk';
import { IDENTITY_PATH, MAX_REQUEST_BYTES, SIGN_PATH, type SignResponseBody } from './signer-protocol';

/**
 * `kibble signer`'s listener: HTTP on a Unix socket that only its owner may open (mode 0600).
 * Who can connect is who can ask; what gets signed is still the policy's call. Logs name the
 * period, the reason and the txids, never a body, a PSBT or a key.
 */

export interface SignerServerOptions {
  socketPath: string;
  desk: SigningDesk;
  log: Logger;
  /** Test hook for the crash test: runs after the log is written, before the answer is sent. */
  afterLogged?: () => void;
}

export async function startSignerServer(options: SignerServerOptions): Promise<{ server: Server; close: () => Promise<void> }> {
  const { socketPath, desk, log } = options;
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'signer: request failed');
      if (!response.headersSent) send(response, 500, { error: { code: 'internal', message: 'internal error in the signer' } });
    });
  });
  rmSync(socketPath, { force: true });
  // The socket is created with the umask: close it to everyone but the owner from the start.
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(previous);
  }
  chmodSync(socketPath, 0o600);
  log.info({ socket: socketPath, chain: desk.identity().chain }, 'signer listening');
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: SignerServerOptions): Promise<void> {
  const { desk, log } = options;
  if (request.method === 'GET' && request.url === IDENTITY_PATH) return send(response, 200, desk.identity());
  if (request.method !== 'POST' || request.url !== SIGN_PATH) return send(response, 404, { error: { code: 'not-found', message: 'no such signer route' } });
  try {
    const body = await readJson(request);
    const answer = desk.sign(body.summary, body.psbts);
    log.info({ period: answer.period, repeat: answer.repeat, txids: answer.transactions.map((tx) => tx.txid) }, answer.repeat ? 'signer: period signed before, logged bytes answered' : 'signer: period signed');
    options.afterLogged?.();
    const payload: SignResponseBody = {
      period: answer.period,
      repeat: answer.repeat,
      transactions: answer.transactions.map((tx) => ({ ...tx, fee: tx.fee.toString() })),
    };
    send(response, 200, payload);
  } catch (error) {
    if (!isKibbleError(error) || !['signing-refused', 'psbt-invalid', 'validation-failed', 'payload-too-large'].includes(error.code)) throw error;
    log.warn({ code: error.code, reason: error.details?.reason, message: error.message }, 'signer: request refused');
    send(response, error.code === 'signing-refused' ? 409 : error.code === 'payload-too-large' ? 413 : 400, {
      error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
    });
  }
}

async function readJson(request: IncomingMessage): Promise<{ summary?: unknown; psbts?: unknown }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new KibbleError('payload-too-large', `a signing request is at most ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch {
    throw new KibbleError('validation-failed', 'a signing request is a JSON object { summary, psbts }');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

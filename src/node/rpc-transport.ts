import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { KibbleError } from '../errors';

/**
 * JSON-RPC 1.0 over HTTP as Bitcoin-Core-style nodes speak it (dogecoind, litecoind, bcoin).
 * Knows nothing about methods: it sends, times out, retries what is safe to retry, and turns every
 * failure into one of two typed errors. Credentials come from the URL and never leave this file
 * except in the Authorization header.
 */

/** The node could not be reached, or did not answer as a JSON-RPC server. */
export class RpcUnreachableError extends KibbleError {
  constructor(
    readonly method: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super('rpc-unreachable', `${method}: ${message}`, { method, ...details });
    this.name = 'RpcUnreachableError';
  }
}

/** The node answered with a JSON-RPC error. Never retried: asking again gives the same answer. */
export class RpcError extends KibbleError {
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    readonly rpcMessage: string,
  ) {
    super('rpc-error', `${method} failed: ${rpcMessage} (RPC code ${rpcCode})`, {
      method,
      rpcCode,
      rpcMessage,
    });
    this.name = 'RpcError';
  }
}

export interface RetryNotice {
  method: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RpcTransportOptions {
  /** Per attempt, covering connect, request and reading the answer. */
  timeoutMs?: number;
  /** Further attempts after the first one fails for a transient reason. */
  retries?: number;
  /** First backoff delay; doubles each retry up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Called before each retry, e.g. to log it together with `redactedUrl`. */
  onRetry?: (notice: RetryNotice) => void;
}

const DEFAULTS = { timeoutMs: 30_000, retries: 3, backoffMs: 250, maxBackoffMs: 5_000 };

/** Methods whose repetition changes the chain: only retried when the request surely never left. */
const NOT_SAFE_TO_REPEAT = new Set(['generatetoaddress', 'generate']);
/** Connection failures that happen before any byte of the request reaches the node. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

export interface BatchCall {
  method: string;
  params?: readonly unknown[];
}

/** One call's answer within a batch. */
export type BatchOutcome = { ok: true; result: unknown } | { ok: false; error: RpcError };

type Attempt =
  | { kind: 'answer'; payload: unknown }
  | { kind: 'transient'; reason: string; neverSent: boolean };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The answer's status and body, read whole. */
interface HttpAnswer {
  status: number;
  text: string;
}

function parseJsonRpcAnswer(text: string): { result?: unknown; error?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && ('result' in parsed || 'error' in parsed)) {
      return parsed;
    }
  } catch {
    // Not JSON: a proxy page, a half-written answer; the caller decides by HTTP status.
  }
  return undefined;
}

/** A batch is answered with an array; a single JSON-RPC error object means the node refused the whole batch. */
function parseJsonRpcBatchAnswer(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed;
  } catch {
    return undefined;
  }
  return parseJsonRpcAnswer(text);
}

function unwrap(method: string, answer: unknown): unknown {
  const payload = answer as { result?: unknown; error?: unknown };
  const error = payload.error as { code?: unknown; message?: unknown } | null | undefined;
  if (error !== null && error !== undefined) {
    const code = typeof error.code === 'number' ? error.code : 0;
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    throw new RpcError(method, code, message);
  }
  return payload.result ?? null;
}

/** The attempt's timer fired: the request is destroyed with this. */
class AttemptTimedOut extends Error {}

export class JsonRpcTransport {
  /** The node's URL with the password replaced, for logs and messages. */
  readonly redactedUrl: string;
  private readonly endpoint: URL;
  /** Kept-alive connections to the node, reused by every call (its idle sockets never hold the process open). */
  private readonly agent: HttpAgent;
  private readonly authorization: string | undefined;
  private readonly options: Required<Omit<RpcTransportOptions, 'onRetry'>> &
    Pick<RpcTransportOptions, 'onRetry'>;
  private nextId = 0;

  constructor(url: string, options: RpcTransportOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new KibbleError(
        'config-invalid',
        'RPC URL is not a valid URL (expected http://user:pass@host:port/)',
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new KibbleError('config-invalid', `RPC URL must be http or https, not ${parsed.protocol}`);
    }
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    this.authorization =
      user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined;
    const userPart = parsed.username ? `${parsed.username}:***@` : '';
    this.redactedUrl = `${parsed.protocol}//${userPart}${parsed.host}${parsed.pathname}`;
    // The credentials must not travel anywhere but the header.
    parsed.username = '';
    parsed.password = '';
    this.endpoint = parsed;
    this.agent = parsed.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.options = { ...DEFAULTS, ...options };
  }

  /** Calls `method`, retrying transient failures; returns the raw `result`. */
  async call(method: string, params: readonly unknown[] = []): Promise<unknown> {
    const body = JSON.stringify({ jsonrpc: '1.0', id: ++this.nextId, method, params });
    return unwrap(method, await this.send(method, body, !NOT_SAFE_TO_REPEAT.has(method)));
  }

  /**
   * Several calls in one HTTP request (a JSON-RPC batch, which Bitcoin Core, Dogecoin Core and
   * bcoin all answer with an array): one round trip and one request for the node to parse instead
   * of one per call. Answers in the order of `calls`, each its result or the RpcError the node
   * gave for it (one call failing does not fail the others). Transient failures retry the whole
   * batch, so only methods safe to repeat belong in one.
   */
  async callBatch(calls: readonly BatchCall[]): Promise<BatchOutcome[]> {
    if (calls.length === 0) return [];
    const ids = calls.map(() => ++this.nextId);
    const body = JSON.stringify(calls.map(({ method, params = [] }, i) => ({ jsonrpc: '1.0', id: ids[i], method, params })));
    const label = `batch of ${calls.length} (${calls[0]?.method ?? ''}...)`;
    const repeatable = calls.every(({ method }) => !NOT_SAFE_TO_REPEAT.has(method));
    const answer = await this.send(label, body, repeatable, true);
    if (!Array.isArray(answer)) {
      unwrap(label, answer); // a node refusing batches answers one error: thrown as that RpcError
      throw new RpcUnreachableError(label, `${this.redactedUrl} did not answer the batch with an array`);
    }
    const byId = new Map<unknown, unknown>();
    for (const item of answer as unknown[]) {
      if (item !== null && typeof item === 'object' && 'id' in item) byId.set(item.id, item);
    }
    return calls.map(({ method }, i) => {
      const payload = byId.get(ids[i]);
      if (payload === undefined) throw new RpcUnreachableError(label, `${this.redactedUrl} left call ${i + 1} (${method}) of the batch unanswered`);
      try {
        return { ok: true, result: unwrap(method, payload) } as const;
      } catch (error) {
        if (error instanceof RpcError) return { ok: false, error } as const;
        throw error;
      }
    });
  }

  /** Posts `body`, retrying transient failures (all of them when `repeatable`, else only unsent ones). */
  private async send(label: string, body: string, repeatable: boolean, batch = false): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(label, body, batch);
      if (outcome.kind === 'answer') return outcome.payload;
      if (attempt > this.options.retries || !(outcome.neverSent || repeatable)) {
        throw new RpcUnreachableError(
          label,
          `no answer from ${this.redactedUrl} after ${attempt} attempt(s): ${outcome.reason}`,
          { attempts: attempt },
        );
      }
      const delayMs = Math.min(this.options.backoffMs * 2 ** (attempt - 1), this.options.maxBackoffMs);
      this.options.onRetry?.({ method: label, attempt, delayMs, reason: outcome.reason });
      await sleep(delayMs);
    }
  }

  private async attempt(method: string, body: string, batch: boolean): Promise<Attempt> {
    try {
      const { status, text } = await this.post(body);
      return this.classify(method, status, text, batch);
    } catch (error) {
      if (error instanceof KibbleError) throw error;
      if (error instanceof AttemptTimedOut) {
        const reason = `timed out after ${this.options.timeoutMs} ms`;
        return { kind: 'transient', reason, neverSent: false };
      }
      const code = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
      return { kind: 'transient', reason: code, neverSent: NEVER_SENT_CODES.has(code) };
    }
  }

  /**
   * One POST over a kept-alive connection (node:http rather than fetch: a pass of the scanner
   * fetches megabytes of block hex, and undici's web streams cost it about as much CPU as parsing
   * the blocks; docs/benchmarks.md). The timer covers connecting, sending and reading the whole
   * answer: a node can stall mid-body as well as before the headers.
   */
  private post(body: string): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (this.authorization) headers.authorization = this.authorization;
      const send = this.endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(this.endpoint, { method: 'POST', headers, agent: this.agent });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new AttemptTimedOut());
      }, this.options.timeoutMs);
      // The first failure settles it; what the destroyed socket reports next changes nothing.
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(timedOut ? new AttemptTimedOut() : error);
      };
      request.on('error', fail);
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('close', () => {
          if (!response.complete) fail(Object.assign(new Error('the node closed the connection mid-answer'), { code: 'ECONNRESET' }));
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      request.end(body);
    });
  }

  /** Core answers RPC errors with HTTP 500 or 404 and a JSON body: the body decides, not the status. */
  private classify(method: string, status: number, text: string, batch: boolean): Attempt {
    const payload = batch ? parseJsonRpcBatchAnswer(text) : parseJsonRpcAnswer(text);
    if (payload) return { kind: 'answer', payload };
    if (status >= 500) {
      return { kind: 'transient', reason: `HTTP ${status} without a JSON-RPC answer`, neverSent: false };
    }
    if (status === 401 || status === 403) {
      throw new RpcUnreachableError(
        method,
        `${this.redactedUrl} refused the credentials (HTTP ${status}); ` +
          'check the user and password in the RPC URL',
        { httpStatus: status },
      );
    }
    throw new RpcUnreachableError(
      method,
      `${this.redactedUrl} did not answer as a JSON-RPC node (HTTP ${status})`,
      { httpStatus: status },
    );
  }
}

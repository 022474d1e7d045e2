import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../src/services/webhooks/signature';

/**
 * A local webhook receiver (127.0.0.1) for the tests: it records every call it gets and checks
 * its signature with the secret of the endpoint the path names (register it in `secrets`), and
 * that the body's id is the event id header. `answer` decides each response (default 200 "ok").
 */
export interface ReceivedCall {
  path: string;
  eventId: string;
  kind: string;
  /** The delivery's timestamp header (seconds). */
  timestamp: number;
  signatureValid: boolean;
}

export type WebhookAnswer = (path: string, request: IncomingMessage, response: ServerResponse) => void;

export interface WebhookReceiverOptions {
  /**
   * 'wall-clock' checks the timestamp against the receiver's real time, as a real receiver does;
   * 'own-timestamp' accepts any timestamp (tests whose sender runs on a clock they move) and
   * checks the signature alone.
   */
  timestampCheck: 'wall-clock' | 'own-timestamp';
}

const answerOk: WebhookAnswer = (_path, _request, response) => response.end('ok');

export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  /** Endpoint secret by path. */
  readonly secrets = new Map<string, string>();
  answer: WebhookAnswer = answerOk;
  private server: Server | undefined;
  private base = '';

  constructor(private readonly options: WebhookReceiverOptions) {}

  /** `http://127.0.0.1:<port>`; an endpoint's URL is this plus its path. */
  get url(): string {
    if (this.base === '') throw new Error('the webhook receiver is not started');
    return this.base;
  }

  /** The event ids received at a path, in arrival order (repeats included). */
  idsAt(path: string): string[] {
    return this.calls.filter((call) => call.path === path).map((call) => call.eventId);
  }

  /** Back to answering 200 to everything. */
  answerOk(): void {
    this.answer = answerOk;
  }

  /** Drops every open connection (e.g. one whose sender was killed before it got an answer). */
  dropConnections(): void {
    this.server?.closeAllConnections();
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        this.calls.push(this.check(path, Buffer.concat(chunks).toString(), request));
        this.answer(path, request, response);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const open = this.server;
    this.server = undefined;
    if (open === undefined) return;
    open.closeAllConnections();
    await new Promise<void>((done) => open.close(() => done()));
  }

  private check(path: string, body: string, request: IncomingMessage): ReceivedCall {
    const timestamp = Number(request.headers[TIMESTAMP_HEADER]);
    const eventId = String(request.headers[EVENT_ID_HEADER]);
    let parsed: { id?: unknown; kind?: unknown } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // an unparsable body fails the check below
    }
    const checkedAt = this.options.timestampCheck === 'wall-clock' ? new Date() : new Date(timestamp * 1000);
    const signatureValid = verifySignature(this.secrets.get(path) ?? '', timestamp, body, String(request.headers[SIGNATURE_HEADER]), checkedAt) && parsed.id === eventId;
    return { path, eventId, kind: typeof parsed.kind === 'string' ? parsed.kind : '', timestamp, signatureValid };
  }
}

/** A receiver started before the file's tests and closed after them. */
export function useWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const receiver = new WebhookReceiver(options);
  beforeAll(() => receiver.start());
  afterAll(() => receiver.close());
  return receiver;
}

import { request as httpRequest } from 'node:http';
import { ERROR_CATALOGUE, KibbleError, type ErrorCode } from '../errors';
import { IDENTITY_PATH, SIGN_PATH, socketPathOf, type SignRequestBody, type SignResponseBody } from './signer-protocol';

/**
 * The service's side of the wire to `kibble signer`: no key, only the socket. A refusal comes
 * back as the signer's own KibbleError ('signing-refused' with details.reason); a signer that
 * cannot be reached or dies mid-answer is 'signer-unreachable', and the step is simply run again.
 */

const DEFAULT_TIMEOUT_MS = 120_000;

export class SignerClient {
  readonly #socketPath: string;
  readonly #timeoutMs: number;

  constructor(url: string, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const socketPath = socketPathOf(url);
    if (socketPath === undefined) throw new KibbleError('config-invalid', 'SIGNER_URL must be unix:/absolute/path/to/signer.sock');
    this.#socketPath = socketPath;
    this.#timeoutMs = timeoutMs;
  }

  async identity(): Promise<{ chain: string; accountXpub: string }> {
    return (await this.#call('GET', IDENTITY_PATH)) as { chain: string; accountXpub: string };
  }

  async sign(body: SignRequestBody): Promise<SignResponseBody> {
    return (await this.#call('POST', SIGN_PATH, JSON.stringify(body))) as SignResponseBody;
  }

  #call(method: string, path: string, body?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const unreachable = (why: string) => reject(new KibbleError('signer-unreachable', `the signer at unix:${this.#socketPath} ${why}; nothing was broadcast, run the settlement again`));
      const req = httpRequest(
        { socketPath: this.#socketPath, path, method, timeout: this.#timeoutMs, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', () => unreachable('broke off its answer'));
          response.on('end', () => {
            if (!response.complete) return unreachable('broke off its answer');
            let value: unknown;
            try {
              value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return unreachable('answered something that is not JSON');
            }
            if (response.statusCode === 200) return resolve(value);
            reject(errorFrom(value, response.statusCode ?? 0));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => unreachable(`cannot be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`));
      req.end(body);
    });
  }
}

function errorFrom(value: unknown, status: number): KibbleError {
  const error = (value as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' && error.code in ERROR_CATALOGUE ? (error.code as ErrorCode) : 'internal';
  const message = typeof error?.message === 'string' ? error.message : `the signer answered ${status}`;
  const details = typeof error?.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
  return new KibbleError(code, `signer: ${message}`, details);
}

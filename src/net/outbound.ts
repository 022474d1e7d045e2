import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { KibbleError } from '../errors';

/**
 * Bounded outgoing HTTP(S) for requests to addresses other people chose (webhook endpoints, a
 * price source): a total timeout, a cap on the response body, no redirects followed, and no
 * connection to a private, loopback, link-local, unique-local, unspecified or otherwise special
 * address unless the policy allows it (tests; never production: config refuses it there).
 *
 * The address is checked where the socket connects: a host name is resolved by our own lookup
 * hook, which refuses the whole answer if any address in it is special, and the socket then
 * connects to exactly the address that was checked. A name that resolves to a public address for
 * a check and to 127.0.0.1 for the connection (DNS rebinding) therefore cannot pass: there is one
 * resolution, and it is the one used. A literal IP in the URL is checked before connecting.
 *
 * Redirects are never followed: a 3xx answer is returned to the caller like any other status
 * (with its Location header), so nothing connects to where a redirect points.
 */

export interface OutboundPolicy {
  /** Allow special addresses (127.0.0.1, 10/8, fc00::/7...): for tests and local development only. */
  allowPrivate: boolean;
}

export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  /** Whole request: resolving, connecting, sending and reading the answer. Default 10 s. */
  timeoutMs?: number;
  /** Largest response body read; a longer one fails the request. Default 1 MiB. */
  maxBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export type OutboundFetch = (request: OutboundRequest) => Promise<OutboundResponse>;

/** Why an outbound request failed (`outbound-failed`, details.reason). */
export type OutboundFailure = 'timeout' | 'too-large' | 'network';

export const OUTBOUND_DEFAULTS = { timeoutMs: 10_000, maxBytes: 1024 * 1024 } as const;

/**
 * Whether an IP address is an ordinary public unicast address. IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * is judged as the IPv4 address it carries. Everything ipaddr.js classifies as a special range
 * (private, loopback, linkLocal, uniqueLocal, unspecified, multicast, carrierGradeNat, reserved,
 * 6to4, teredo, NAT64...) is refused: unusual public routes are a smaller loss than a way in.
 */
export function classifyAddress(address: string): { public: boolean; range: string } {
  if (!ipaddr.isValid(address)) return { public: false, range: 'invalid' };
  const parsed = ipaddr.process(address.replace(/%.*$/, ''));
  const range = parsed.range();
  return { public: range === 'unicast', range };
}

export function createOutbound(policy: OutboundPolicy): OutboundFetch {
  // async: a refused URL rejects the promise rather than throwing at the call.
  return async (request) => send(policy, request);
}

function refused(message: string, details: Record<string, unknown>): KibbleError {
  return new KibbleError('outbound-refused', message, details);
}

function failed(reason: OutboundFailure, message: string): KibbleError {
  return new KibbleError('outbound-failed', message, { reason });
}

function targetOf(rawUrl: string): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw refused('not a valid URL', { reason: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(`only http and https URLs are allowed, not ${url.protocol}`, { reason: 'protocol' });
  }
  if (url.username !== '' || url.password !== '') throw refused('URLs with credentials are not allowed', { reason: 'credentials' });
  return url;
}

/** Refuses a special address unless the policy allows it. */
function checkAddress(policy: OutboundPolicy, address: string): KibbleError | undefined {
  if (policy.allowPrivate) return undefined;
  const { public: isPublic, range } = classifyAddress(address);
  return isPublic ? undefined : refused(`the target resolves to a ${range} address, which is refused`, { reason: 'address', range });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that checks every address of the answer and hands on only a checked one. */
function checkedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses;
      const problem = list.map((entry) => checkAddress(policy, entry.address)).find((item) => item !== undefined);
      if (problem) return callback(problem, []);
      const first = list[0];
      if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (options.all === true) return callback(null, list);
      return callback(null, first.address, first.family);
    });
  };
}

function send(policy: OutboundPolicy, request: OutboundRequest): Promise<OutboundResponse> {
  const url = targetOf(request.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) {
    const problem = checkAddress(policy, host);
    if (problem) return Promise.reject(problem);
  }
  const timeoutMs = request.timeoutMs ?? OUTBOUND_DEFAULTS.timeoutMs;
  const maxBytes = request.maxBytes ?? OUTBOUND_DEFAULTS.maxBytes;
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, response?: OutboundResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else if (response) {
        resolve(response);
      }
    };
    const outgoing = transport.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: request.method ?? 'GET',
        headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup: checkedLookup(policy) as unknown as typeof dnsLookup,
        agent: false,
      },
      (incoming) => {
        const declared = Number(incoming.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
          finish(failed('too-large', `the answer announces ${declared} bytes, more than the ${maxBytes} allowed`));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        incoming.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) finish(failed('too-large', `the answer is longer than the ${maxBytes} bytes allowed`));
          else chunks.push(chunk);
        });
        incoming.on('end', () => finish(undefined, { status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
        incoming.on('error', (error) => finish(networkError(error)));
      },
    );
    const timer = setTimeout(() => finish(failed('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
    outgoing.on('error', (error) => finish(error instanceof KibbleError ? error : networkError(error)));
    outgoing.end(body);
  });
}

function networkError(error: Error): KibbleError {
  const code = (error as NodeJS.ErrnoException).code;
  return failed('network', code === undefined ? error.message : `${code}: ${error.message}`);
}

// The HTTP app against the per-file test database, with deps the test controls. In a test file:
//
//   const db = useTestDatabase();                // first: the app needs the database connection
//   const t = createTestApp();                   // or createTestApp({ rateLimits: { flattr: { limit: 2, windowMs: 60_000 } } })
//   it('...', async () => {
//     const alice = await t.signUp();            // { id, handle, token } through POST /api/v1/accounts
//     const res = await request(t.app).get('/api/v1/me').set('Authorization', bearer(alice.token));
//     expect(res.status).toBe(200);
//     expectError(await request(t.app).get('/api/v1/me'), 401, 'unauthorized');
//   });
//
// Clock, chain tip and readiness are injected functions the test controls (t.clock.set(...),
// t.setChainTip(...)), not mocks of kibble's logic. Every reply is checked against the route's
// declared response schema (checkResponses), so a route that answers something its OpenAPI
// description does not say fails with a 500 in tests.
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import { AddressDeriver } from '../../src/keys/hd';
import { createSigner } from '../../src/signer/hd-signer';
import { chainProfile } from '../../src/chain/profiles';
import { loadConfig } from '../../src/config/config';
import type { ErrorCode } from '../../src/errors';
import { createApp } from '../../src/http/app';
import type { AppDeps } from '../../src/http/deps';
import { RATE_LIMIT_BUCKETS, type RateLimitSettings } from '../../src/http/rate-limit';
import { createReadiness, pingDatabase } from '../../src/http/readiness';
import { createLogger } from '../../src/log';

export const TEST_CHAIN = chainProfile('bcoin-regtest');
export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_OPERATOR_TOKEN = 'operator-token-for-tests-0123456789abcdef';
/** Fixed so that addresses are the same in every run; never a wallet with real coins. */
const WALLET_MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const FEE_WALLET_MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
export const TEST_WALLET_XPUB = createSigner(TEST_CHAIN, { mnemonic: WALLET_MNEMONIC }).accountXpub();
export const TEST_FEE_ADDRESS = new AddressDeriver(TEST_CHAIN, createSigner(TEST_CHAIN, { mnemonic: FEE_WALLET_MNEMONIC }).accountXpub()).depositAddress(0);
export const TEST_START = new Date('2026-03-15T12:00:00.000Z');

/** Limits no test reaches by accident; rate-limit tests set their own. */
const UNLIMITED: RateLimitSettings = Object.fromEntries(
  RATE_LIMIT_BUCKETS.map((bucket) => [bucket, { limit: 1_000_000, windowMs: 60_000 }]),
) as RateLimitSettings;

export interface TestClock {
  (): Date;
  set(date: Date | string): void;
  advance(ms: number): void;
}

export interface SignedUp {
  id: string;
  handle: string;
  token: string;
}

export interface TestApp {
  app: Express;
  deps: AppDeps;
  clock: TestClock;
  /** What deps.chainTip answers (an Error: it rejects with it). Default 1000. */
  setChainTip(tip: number | Error): void;
  /** Creates an account through the API (random handle unless given). */
  signUp(handle?: string): Promise<SignedUp>;
}

export function createTestApp(overrides: Partial<AppDeps> = {}): TestApp {
  const clock = testClock(TEST_START);
  let tip: number | Error = 1000;
  const chainTip = async (): Promise<number> => {
    if (tip instanceof Error) throw tip;
    return tip;
  };
  const logger = overrides.logger ?? createLogger('silent');
  const deps: AppDeps = {
    config: testConfig(),
    chain: TEST_CHAIN,
    deriver: new AddressDeriver(TEST_CHAIN, TEST_WALLET_XPUB),
    clock,
    logger,
    chainTip,
    readiness: createReadiness({ probes: { database: pingDatabase, node: chainTip }, logger, timeoutMs: 500 }),
    passwordHashing: { ln: 10, r: 8, p: 1 },
    checkResponses: true,
    ...overrides,
    rateLimits: { ...UNLIMITED, ...overrides.rateLimits },
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    setChainTip: (value) => {
      tip = value;
    },
    signUp: (handle) => signUp(app, handle),
  };
}

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CHAIN: TEST_CHAIN.name,
    WALLET_XPUB: TEST_WALLET_XPUB,
    FEE_ADDRESS: TEST_FEE_ADDRESS,
    OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    MIN_CONFIRMATIONS: '6',
    ...env,
  });
}

export function uniqueHandle(prefix = 'u'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

async function signUp(app: Express, handle = uniqueHandle()): Promise<SignedUp> {
  const res = await request(app).post('/api/v1/accounts').send({ handle, password: TEST_PASSWORD });
  if (res.status !== 201) throw new Error(`signUp(${handle}): ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as SignedUp;
  return { id: body.id, handle: body.handle, token: body.token };
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** Asserts kibble's error format: the status, `{ error: { code, message } }`, JSON. */
export function expectError(res: Response, status: number, code: ErrorCode): { code: string; message: string; details?: Record<string, unknown> } {
  expect({ status: res.status, code: (res.body as { error?: { code?: unknown } }).error?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const error = (res.body as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(Object.keys(res.body as object)).toEqual(['error']);
  return error;
}

function testClock(start: Date): TestClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (date) => {
    now = new Date(date).getTime();
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

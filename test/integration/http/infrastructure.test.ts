import request from 'supertest';
import { z } from 'zod';
import { KibbleError } from '../../../src/errors';
import { createApp } from '../../../src/http/app';
import { defineRoute, type Route } from '../../../src/http/route';
import { ALL_ROUTES } from '../../../src/http/routes';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_OPERATOR_TOKEN, TEST_PASSWORD } from '../../support/http';
import { capturedLog } from '../../support/captured-log';

/** Routes that exist only here, to drive each infrastructure path (auth modes, failures, limits). */
const probeRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/test/operator',
    summary: 'operator probe',
    tags: ['test'],
    auth: 'operator',
    responses: { 200: { description: 'ok', schema: z.strictObject({ ok: z.literal(true) }) } },
    handler: () => ({ status: 200, body: { ok: true } }),
  }),
  defineRoute({
    method: 'get',
    path: '/test/optional',
    summary: 'optional auth probe',
    tags: ['test'],
    auth: 'optional',
    responses: { 200: { description: 'who', schema: z.strictObject({ accountId: z.string().nullable() }) } },
    handler: ({ accountId }) => ({ status: 200, body: { accountId: accountId ?? null } }),
  }),
  defineRoute({
    method: 'post',
    path: '/test/limited/:n',
    summary: 'per-account limit probe',
    tags: ['test'],
    auth: 'account',
    rateLimit: 'flattr',
    params: z.object({ n: z.string().regex(/^[0-9]+$/) }),
    responses: { 201: { description: 'counted' } },
    handler: () => ({ status: 201 }),
  }),
  defineRoute({
    method: 'get',
    path: '/test/crash',
    summary: 'unexpected failure probe',
    tags: ['test'],
    auth: 'none',
    responses: {},
    handler: () => {
      throw new TypeError('secret detail: mongodb://user:pw@db-host/');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/test/rpc-down',
    summary: 'server-side KibbleError probe',
    tags: ['test'],
    auth: 'none',
    responses: {},
    handler: () => {
      throw new KibbleError('rpc-unreachable', 'node at http://x:apikey@10.0.0.5:18332 unreachable');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/test/undeclared',
    summary: 'a reply its route does not declare',
    tags: ['test'],
    auth: 'none',
    responses: { 200: { description: 'ok', schema: z.strictObject({ ok: z.boolean() }) } },
    handler: () => ({ status: 200, body: { ok: 'yes' } }),
  }),
];

describe('HTTP infrastructure', () => {
  useTestDatabase();
  const { lines: logLines, logger } = capturedLog();
  const t = createTestApp({ logger, rateLimits: { flattr: { limit: 2, windowMs: 60_000 } } });
  const app = createApp(t.deps, [...ALL_ROUTES, ...probeRoutes]);

  it('GET /healthz answers 200 with security headers', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age=') as unknown,
      'content-security-policy': expect.stringContaining("default-src 'self'") as unknown,
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('unknown routes and methods answer 404 in the error format', async () => {
    expectError(await request(app).get('/api/v1/nothing-here'), 404, 'not-found');
    expectError(await request(app).patch('/api/v1/me'), 404, 'not-found');
    const error = expectError(await request(app).get('/no-such-page'), 404, 'not-found');
    expect(error.message).toBe('no route for GET /no-such-page');
  });

  it('malformed JSON is 400 validation-failed', async () => {
    const res = await request(app).post('/api/v1/accounts').set('Content-Type', 'application/json').send('{"handle": "abc",');
    expect(expectError(res, 400, 'validation-failed').message).toMatch(/not valid JSON/);
  });

  it('a top-level JSON primitive or array is refused', async () => {
    const json = (body: string) => request(app).post('/api/v1/accounts').set('Content-Type', 'application/json').send(body);
    expectError(await json('"just a string"'), 400, 'validation-failed');
    expectError(await json('42'), 400, 'validation-failed');
    expect(expectError(await json('[{"handle":"abc"}]'), 400, 'validation-failed').message).toMatch(/^body: a JSON object is required .*; got an array$/);
    expectError(await json('null'), 400, 'validation-failed');
  });

  it('a body that is not JSON (form, text) is refused with a hint', async () => {
    const res = await request(app).post('/api/v1/accounts').type('form').send({ handle: 'formuser', password: TEST_PASSWORD });
    expect(expectError(res, 400, 'validation-failed').message).toMatch(/Content-Type: application\/json/);
  });

  it('a body above 16 KiB is 413 payload-too-large', async () => {
    const res = await request(app).post('/api/v1/accounts').send({ handle: 'biguser', password: 'x'.repeat(17 * 1024) });
    expect(expectError(res, 413, 'payload-too-large').message).toMatch(/16kb/);
  });

  it('a body on a route that takes none, and undeclared query parameters, are 400', async () => {
    const { token } = await t.signUp();
    const res = await request(app).delete('/api/v1/sessions/current').set('Authorization', bearer(token)).send({ all: true });
    expect(expectError(res, 400, 'validation-failed').message).toMatch(/takes no request body/);
    const query = await request(app).get('/api/v1/me?debug=1').set('Authorization', bearer(token));
    expect(expectError(query, 400, 'validation-failed').message).toBe('query: unknown field "debug"');
  });

  it('path parameters are validated by their schema', async () => {
    const { token } = await t.signUp();
    const res = await request(app).post('/test/limited/abc').set('Authorization', bearer(token));
    expect(expectError(res, 400, 'validation-failed').message).toMatch(/^params\.n: /);
  });

  it('an unexpected error is 500 internal with a generic message, logged with its stack', async () => {
    const error = expectError(await request(app).get('/test/crash'), 500, 'internal');
    expect(error.message).toBe('internal error; it has been logged');
    const logged = logLines.join('');
    expect(logged).toContain('secret detail');
    expect(logged).toContain('TypeError');
    expect(logged).toMatch(/"stack":"TypeError/);
  });

  it('a server-side KibbleError keeps its code but not its message', async () => {
    const error = expectError(await request(app).get('/test/rpc-down'), 503, 'rpc-unreachable');
    expect(error.message).not.toContain('apikey');
  });

  it('a reply that breaks its declared schema fails loudly in tests (checkResponses)', async () => {
    expectError(await request(app).get('/test/undeclared'), 500, 'internal');
  });

  describe('operator auth', () => {
    it('no token is 401, with WWW-Authenticate', async () => {
      const res = await request(app).get('/test/operator');
      expectError(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('any other token is 403, including a valid session token', async () => {
      const { token } = await t.signUp();
      expectError(await request(app).get('/test/operator').set('Authorization', bearer(token)), 403, 'forbidden');
      expectError(await request(app).get('/test/operator').set('Authorization', bearer(`${TEST_OPERATOR_TOKEN}x`)), 403, 'forbidden');
      expectError(await request(app).get('/test/operator').set('Authorization', bearer(TEST_OPERATOR_TOKEN.slice(0, -1))), 403, 'forbidden');
      expectError(await request(app).get('/test/operator').set('Authorization', `Basic ${TEST_OPERATOR_TOKEN}`), 403, 'forbidden');
    });

    it('OPERATOR_TOKEN is accepted', async () => {
      const res = await request(app).get('/test/operator').set('Authorization', bearer(TEST_OPERATOR_TOKEN));
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('optional auth', () => {
    it('is anonymous without a header and the account with a valid token', async () => {
      expect((await request(app).get('/test/optional')).body).toEqual({ accountId: null });
      const { id, token } = await t.signUp();
      expect((await request(app).get('/test/optional').set('Authorization', bearer(token))).body).toEqual({ accountId: id });
    });

    it('refuses a header with an invalid token rather than ignoring it', async () => {
      expectError(await request(app).get('/test/optional').set('Authorization', bearer('nope')), 401, 'unauthorized');
    });
  });

  it('a signed-in bucket counts per account, not per IP', async () => {
    const alice = await t.signUp();
    const bob = await t.signUp();
    const hit = (token: string, n: number) => request(app).post(`/test/limited/${n}`).set('Authorization', bearer(token));
    expect((await hit(alice.token, 1)).status).toBe(201);
    expect((await hit(alice.token, 2)).status).toBe(201);
    const limited = await hit(alice.token, 3);
    expect(expectError(limited, 429, 'rate-limited').message).toMatch(/flattr/);
    expect(limited.headers['retry-after']).toMatch(/^[0-9]+$/);
    expect(limited.headers['ratelimit-policy']).toBeDefined();
    expect((await hit(bob.token, 1)).status).toBe(201);
  });

  it('request logs carry no Authorization header, cookie or password', async () => {
    logLines.length = 0;
    const { token } = await t.signUp();
    await request(app).get('/api/v1/me').set('Authorization', bearer(token)).set('Cookie', 'sid=cookie-secret-value');
    await request(app).post('/api/v1/sessions').send({ handle: 'nobody_here', password: 'password-in-body-123' });
    const logged = logLines.join('');
    expect(logged).toContain('/api/v1/me');
    expect(logged).toContain('"statusCode":200');
    expect(logged).not.toContain(token);
    expect(logged).not.toContain('cookie-secret-value');
    expect(logged).not.toContain('password-in-body-123');
    expect(logged).not.toContain(TEST_PASSWORD);
  });
});

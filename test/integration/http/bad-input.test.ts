// Regression tests of issue 12 section 4: every bad input found by the fuzzing run is a 4xx with
// a clear message (JSON on the API, HTML on the pages), and no secret sent reaches the log.
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import type { PageRoute } from '../../../src/http/pages/page';
import { ALL_PAGES, createPageRouter } from '../../../src/http/pages/router';
import { createRateLimiters } from '../../../src/http/rate-limit';
import { ALL_ROUTES } from '../../../src/http/routes';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_OPERATOR_TOKEN, TEST_PASSWORD, uniqueHandle } from '../../support/http';
import { csrfOf } from '../../support/web';
import { capturedLog } from '../../support/captured-log';

/** Percent-encodings that are not UTF-8: bad hex, truncated, overlong, not UTF-8 at all. */
const BAD_ENCODINGS = ['%zz', '%E0%A4%A', '%C0%AF', '%FF%FE'];
const SECRET = 'SECRET-must-never-be-logged-0123456789';

function withParams(path: string, value: string): string {
  return path.replace(/:[A-Za-z]+/g, value);
}

describe('bad input: a 4xx with a clear message, and nothing secret in the log', () => {
  useTestDatabase();
  const { lines: logLines, logger } = capturedLog();
  const t = createTestApp({ logger });
  let donorToken = '';

  beforeAll(async () => {
    donorToken = (await t.signUp()).token;
  });

  afterAll(() => {
    // Whatever the cases above sent, no log line holds a secret, a token or a query value.
    const log = logLines.join('');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(TEST_OPERATOR_TOKEN);
    expect(log).not.toContain(TEST_PASSWORD);
    expect(log).not.toContain(donorToken);
  });

  describe('bad percent-encoding in a path parameter is 400 validation-failed', () => {
    const apiCases = ALL_ROUTES.filter((route) => route.path.includes('/:')).flatMap((route) =>
      BAD_ENCODINGS.map((bad) => [route.method.toUpperCase(), withParams(route.path, bad), route.auth] as const),
    );
    it.each(apiCases)('API %s %s', async (method, path, auth) => {
      let req = request(t.app)[method.toLowerCase() as 'get'](path);
      if (auth === 'operator') req = req.set('Authorization', bearer(TEST_OPERATOR_TOKEN));
      if (auth === 'account') req = req.set('Authorization', bearer(donorToken));
      const error = expectError(await req, 400, 'validation-failed');
      expect(error.message).toBe('a path segment is not valid percent-encoded UTF-8');
    });

    const pageCases = ALL_PAGES.filter((page) => page.path.includes('/:')).flatMap((page) =>
      BAD_ENCODINGS.map((bad) => [page.method.toUpperCase(), withParams(page.path, bad)] as const),
    );
    it.each(pageCases)('page %s %s', async (method, path) => {
      const res = await request(t.app)[method.toLowerCase() as 'get'](path).set('Cookie', `kibble_operator=x`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('a path segment is not valid percent-encoded UTF-8');
    });

    it('covers the paths the fuzzing run named', () => {
      const named = ['/api/v1/things/', '/api/v1/subscriptions/', '/api/v1/admin/settlements/', '/t/'];
      for (const prefix of named) expect(apiCases.some(([, path]) => path.startsWith(prefix))).toBe(true);
      for (const page of ['/t/%zz', '/donor/subscriptions/%zz/delete', '/operator/settlements/%zz']) expect(pageCases.some(([, path]) => path === page)).toBe(true);
    });
  });

  describe('page forms the body parser refuses', () => {
    /** A fresh browser with the form's CSRF cookie and token. */
    async function formSession(path: string): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
      const agent = request.agent(t.app);
      const page = await agent.get(path);
      return { agent, csrf: csrfOf(page.text) };
    }

    function expectPage(res: request.Response, status: number, message: RegExp): void {
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^text\/html/) as unknown });
      expect(res.text).toMatch(message);
    }

    it.each([
      ['/operator/signin', `token=${SECRET}`],
      ['/signup', `handle=${uniqueHandle()}&password=${SECRET}`],
      ['/signin', `handle=someone&password=${SECRET}`],
    ])('more than 50 fields on %s: 413, and the secret is not logged', async (path, fields) => {
      const { agent, csrf } = await formSession(path);
      const body = `${fields}&_csrf=${encodeURIComponent(csrf)}&${Array.from({ length: 50 }, () => 'p=1').join('&')}`;
      const res = await agent.post(path).type('form').send(body);
      expectPage(res, 413, /the form has more than 50 fields/);
      expect(res.text).not.toContain(SECRET);
    });

    it('a form over 16 kB: 413', async () => {
      const { agent, csrf } = await formSession('/signup');
      const res = await agent.post('/signup').type('form').send(`_csrf=${encodeURIComponent(csrf)}&handle=x&password=${SECRET}${'x'.repeat(17 * 1024)}`);
      expectPage(res, 413, /the request body is larger than 16kb/);
    });

    it('charset=utf-16: 400 that names the charset', async () => {
      const { agent } = await formSession('/operator/signin');
      const res = await agent.post('/operator/signin').set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-16').send(Buffer.from(`token=${SECRET}`, 'utf16le'));
      expectPage(res, 400, /unsupported charset &quot;UTF-16&quot;|unsupported charset "UTF-16"/);
    });

    it('malformed JSON sent to a page: the page answers (HTML), not the API', async () => {
      const { agent } = await formSession('/signin');
      const res = await agent.post('/signin').set('Content-Type', 'application/json').send(`{"password": "${SECRET}",`);
      expectPage(res, 403, /This form has expired or did not come from kibble/);
    });

    it('a corrupt gzip body: 400', async () => {
      const { agent } = await formSession('/signin');
      const gzipped = gzipSync(Buffer.from(`handle=x&password=${SECRET}`));
      const corrupt = Buffer.concat([gzipped.subarray(0, 10), Buffer.from('not deflate data at all'), gzipped.subarray(10, 14)]);
      const res = await agent.post('/signin').set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'gzip').send(corrupt);
      expectPage(res, 400, /the request body cannot be read/);
    });

    it('the same cases on the API answer in the JSON error format', async () => {
      const big = await request(t.app).post('/api/v1/sessions').send({ handle: 'x', password: `${SECRET}${'x'.repeat(17 * 1024)}` });
      expectError(big, 413, 'payload-too-large');
      const utf16 = await request(t.app).post('/api/v1/sessions').set('Content-Type', 'application/json; charset=utf-16').send(Buffer.from(`{"password":"${SECRET}"}`, 'utf16le'));
      expect([400, 415]).toContain(utf16.status);
      const gzip = await request(t.app).post('/api/v1/sessions').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(Buffer.from('garbage, not gzip'));
      expectError(gzip, 400, 'validation-failed');
    });
  });

  it("a page's own failure is a generic 500 page, logged with method and path only", async () => {
    const failing: PageRoute = {
      method: 'get',
      path: '/failing-page',
      handler: async () => {
        throw new Error('a bug in a page');
      },
    };
    const app = express();
    app.use(createPageRouter(t.deps, createRateLimiters(t.deps.rateLimits, t.clock), [failing]));
    const from = logLines.length;
    const res = await request(app).get(`/failing-page?token=${SECRET}`);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('internal error; it has been logged');
    expect(res.text).not.toContain('a bug in a page');
    const logged = logLines.slice(from).map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(logged).toEqual([expect.objectContaining({ msg: 'page failed', method: 'GET', path: '/failing-page' })]);
    expect(logLines.slice(from).join('')).not.toContain(SECRET);
  });

  it('logs the path of a request, never its query string', async () => {
    const from = logLines.length;
    const res = await request(t.app).get(`/api/v1/me?token=${SECRET}`).set('Authorization', bearer(donorToken));
    expectError(res, 400, 'validation-failed');
    const line = logLines.slice(from).map((text) => JSON.parse(text) as { req?: { url?: string } }).find((entry) => entry.req?.url !== undefined);
    expect(line?.req?.url).toBe('/api/v1/me');
    expect(logLines.join('')).not.toContain(SECRET);
  });
});

// Rate limits are counted in the database: several instances (here: several apps on one test
// database) enforce one limit together, and a page form counts in the bucket of its API route.
import request from 'supertest';
import { RateLimitHitModel } from '../../../src/db/rate-limit-hit';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../../../src/http/rate-limit';
import { removeExpiredRateLimitHits } from '../../../src/services/rate-limits';
import { useTestDatabase } from '../../support/database';
import { createTestApp, expectError, TEST_OPERATOR_TOKEN, TEST_PASSWORD, uniqueHandle, type TestApp } from '../../support/http';
import { csrfOf, type Agent } from '../../support/web';

/** GETs the form page for its CSRF token, then posts `fields` (and the token) to the same path. */
async function submit(agent: Agent, path: string, fields: Record<string, string>): Promise<request.Response> {
  const page = await agent.get(path);
  expect(page.status).toBe(200);
  return agent.post(path).type('form').send({ ...fields, _csrf: csrfOf(page.text) });
}

function statusCounts(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe('rate limits shared through the database', () => {
  useTestDatabase();

  it('holds one limit across two instances, even for requests sent to both at once', async () => {
    const rules: Partial<RateLimitSettings> = { sessions: { limit: 6, windowMs: 60_000 } };
    const instances = [createTestApp({ rateLimits: rules }), createTestApp({ rateLimits: rules })] as const;
    const victim = await instances[0].signUp();
    const attempts = Array.from({ length: 14 }, (_unused, i) =>
      request(instances[i % 2 === 0 ? 0 : 1].app).post('/api/v1/sessions').send({ handle: victim.handle, password: `guess number ${i}` }),
    );
    const statuses = (await Promise.all(attempts)).map((res) => res.status);
    expect(statusCounts(statuses)).toEqual({ 401: 6, 429: 8 });
    // The next window starts afresh, on both.
    for (const instance of instances) instance.clock.advance(60_000);
    expect((await request(instances[1].app).post('/api/v1/sessions').send({ handle: victim.handle, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('holds one limit across two instances taking turns (each remembers only its own last slot)', async () => {
    const rules: Partial<RateLimitSettings> = { sessions: { limit: 5, windowMs: 60_000 } };
    const instances = [createTestApp({ rateLimits: rules }), createTestApp({ rateLimits: rules })] as const;
    for (const instance of instances) instance.clock.advance(10 * 60_000); // a window no other test used
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await request(instances[i % 2 === 0 ? 0 : 1].app).post('/api/v1/sessions').send({ handle: 'nobody', password: `guess number ${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);
  });

  it('counts a page form in the bucket of its API route, on any instance', async () => {
    const rules: Partial<RateLimitSettings> = { 'account-creation': { limit: 3, windowMs: 60_000 } };
    const [api, pages] = [createTestApp({ rateLimits: rules }), createTestApp({ rateLimits: rules })];
    for (let i = 0; i < 2; i++) expect((await request(api.app).post('/api/v1/accounts').send({ handle: uniqueHandle(), password: TEST_PASSWORD })).status).toBe(201);
    const agent = request.agent(pages.app);
    expect((await submit(agent, '/signup', { handle: uniqueHandle('web'), password: TEST_PASSWORD })).status).toBe(303);
    const refused = await submit(request.agent(pages.app), '/signup', { handle: uniqueHandle('web'), password: TEST_PASSWORD });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.text).toMatch(/too many requests \(account-creation: at most 3 per 60 s\); try again later/);
    expectError(await request(api.app).post('/api/v1/accounts').send({ handle: uniqueHandle(), password: TEST_PASSWORD }), 429, 'rate-limited');
  });

  describe('the default limits on the web forms (issue 12: 25 wrong passwords never met a 429)', () => {
    let t: TestApp;
    beforeAll(() => {
      t = createTestApp({ rateLimits: DEFAULT_RATE_LIMITS });
    });
    // The sign-in forms share the sessions bucket: each case starts in a window of its own.
    beforeEach(() => t.clock.advance(DEFAULT_RATE_LIMITS.sessions.windowMs));

    it('/signin: 20 wrong passwords are 401, then 429, even with the right password', async () => {
      const victim = await t.signUp();
      const agent = request.agent(t.app);
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await submit(agent, '/signin', { handle: victim.handle, password: `guess number ${i}` })).status);
      expect(statuses).toEqual([...Array<number>(20).fill(401), ...Array<number>(5).fill(429)]);
      expect((await submit(agent, '/signin', { handle: victim.handle, password: TEST_PASSWORD })).status).toBe(429);
    });

    it('/operator/signin: 20 wrong tokens are 401, then 429, even with the right token', async () => {
      const agent = request.agent(t.app);
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await submit(agent, '/operator/signin', { token: `not-the-operator-token-${i}` })).status);
      expect(statuses).toEqual([...Array<number>(20).fill(401), ...Array<number>(5).fill(429)]);
      expect((await submit(agent, '/operator/signin', { token: TEST_OPERATOR_TOKEN })).status).toBe(429);
    });

    it('/signup: 10 sign-ups from one address, then 429 (as on the API)', async () => {
      t.clock.advance(DEFAULT_RATE_LIMITS['account-creation'].windowMs);
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await submit(request.agent(t.app), '/signup', { handle: uniqueHandle('web'), password: TEST_PASSWORD })).status);
      expect(statuses).toEqual([...Array<number>(10).fill(303), ...Array<number>(5).fill(429)]);
    });
  });

  it('housekeeping deletes the hits of ended windows only', async () => {
    const t = createTestApp({ rateLimits: { sessions: { limit: 100, windowMs: 60_000 } } });
    const attempt = () => request(t.app).post('/api/v1/sessions').send({ handle: 'nobody', password: 'wrong password' });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    t.clock.advance(60_000);
    expect((await attempt()).status).toBe(401);
    const before = await RateLimitHitModel.countDocuments();
    const removed = await removeExpiredRateLimitHits(t.clock());
    expect(removed).toBeGreaterThanOrEqual(3);
    expect(await RateLimitHitModel.countDocuments()).toBe(before - removed);
    // the current window's hit stays, and is still counted
    expect(await RateLimitHitModel.countDocuments({ expiresAt: { $gt: t.clock() } })).toBeGreaterThanOrEqual(1);
    expect(await removeExpiredRateLimitHits(t.clock())).toBe(0);
  });
});

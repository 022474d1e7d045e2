// Fuzzing the real app (createApp, every API route and page, the real test database and a real
// settlement service on the regtest node): fast-check draws a route or page, path parameters
// (well-formed, random, percent-encoded, broken percent-encoding), a query string, headers
// (content type and charset, encoding, authorization, cookies) and a body (JSON, form, bytes,
// oversized). Every answer must be below 500, and no log line may contain a secret sent.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { createMetrics } from '../../../src/http/metrics';
import { ALL_PAGES } from '../../../src/http/pages/router';
import { ALL_ROUTES } from '../../../src/http/routes';
import { bearer, createTestApp, TEST_OPERATOR_TOKEN, TEST_PASSWORD } from '../../support/http';
import { useSettlementWorld } from '../../support/settlement-world';
import { csrfOf } from '../../support/web';
import { capturedLog } from '../../support/captured-log';

/** How many requests one run sends: 300 take about 3-6 s here; FUZZ_RUNS=3000 for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

interface Target {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  kind: 'api' | 'page';
}

const TARGETS: Target[] = [
  ...ALL_ROUTES.map((route): Target => ({ method: route.method as Target['method'], path: route.path, kind: 'api' })),
  ...ALL_PAGES.map((page): Target => ({ method: page.method, path: page.path, kind: 'page' })),
];

const percentBytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }).map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));
/** Half of them well-formed (a real thing's id, a month), so that the handlers run too. */
function paramValue(thingId: string) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(thingId, '2026-05', '2026-06', '2026-02') },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%E0%A4%A', '%C0%AF', '%FF%FE', '%', '%2', '%00', '%2F', '..', '2026-13', '0000-01', '9999-12') },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: percentBytes },
  );
}

describe('fuzzing every route and page: no 5xx, no secret in a log', () => {
  const world = useSettlementWorld(); // calls useTestDatabase() itself
  const { lines: logLines, logger } = capturedLog();
  const t = createTestApp({ logger, metrics: createMetrics() });
  let donorToken = '';
  let thingId = '';
  let anonymousCsrf = { cookie: '', token: '' };

  beforeAll(async () => {
    t.clock.set('2026-06-15T00:00:00Z');
    t.deps.settlement = world.service({ clock: t.clock });
    donorToken = (await t.signUp()).token;
    const creator = await t.signUp();
    const thing = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url: 'https://example.org/fuzz', title: 'Fuzz' });
    expect(thing.status).toBe(201);
    thingId = (thing.body as { id: string }).id;
    const page = await request(t.app).get('/signin');
    const cookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).find((c) => c.startsWith('kibble_csrf='));
    anonymousCsrf = { cookie: cookie?.split(';')[0] ?? '', token: csrfOf(page.text) };
  });

  it(`answers ${RUNS} random requests below 500 and logs none of their secrets`, async () => {
    const secretOf = fc.constant(null).map(() => `S3CR3T-${randomBytes(12).toString('hex')}`);
    const request_ = fc.record({
      target: fc.constantFrom(...TARGETS),
      params: fc.array(paramValue(thingId), { minLength: 3, maxLength: 3 }),
      query: fc.oneof(
        fc.constant({}),
        fc.dictionary(fc.constantFrom('token', 'period', 'next', 'done', 'action', 'closeNow', 'x', 'password'), fc.oneof(fc.string({ maxLength: 20 }), fc.constant('SECRET')), { maxKeys: 3 }),
      ),
      contentType: fc.constantFrom(
        'matching',
        'matching',
        'matching',
        undefined,
        'application/json',
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded; charset=utf-16',
        'application/json; charset=latin1',
        'text/plain',
        'multipart/form-data; boundary=x',
      ),
      contentEncoding: fc.constantFrom(undefined, undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'x-unknown'),
      authorization: fc.constantFrom('none', 'donor', 'donor', 'operator', 'operator', 'garbage', 'secret', 'basic'),
      cookie: fc.constantFrom('none', 'csrf', 'csrf', 'csrf', 'garbage-session', 'garbage-operator', 'secret-session'),
      otherHeaders: fc.dictionary(
        fc.constantFrom('X-Forwarded-For', 'Accept', 'Accept-Language', 'If-None-Match', 'Range', 'X-Request-Id', 'Origin', 'Referer'),
        fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,40}$/),
        { maxKeys: 3 },
      ),
      body: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.constant('json-secret') },
        { weight: 2, arbitrary: fc.constant('form-secret') },
        { weight: 1, arbitrary: fc.constant('many-fields') },
        { weight: 1, arbitrary: fc.constant('oversized') },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
      ),
      secret: secretOf,
    });

    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(request_, async (r) => {
        let index = 0;
        const path = r.target.path.replace(/:[A-Za-z]+/g, () => r.params[index++] ?? 'x');
        const query = Object.entries(r.query)
          .map(([key, value]) => `${key}=${encodeURIComponent(value === 'SECRET' ? r.secret : value)}`)
          .join('&');
        let req = request(t.app)[r.target.method](query === '' ? path : `${path}?${query}`);
        const contentType = r.contentType === 'matching' ? (r.target.kind === 'page' ? 'application/x-www-form-urlencoded' : 'application/json') : r.contentType;
        if (contentType !== undefined) req = req.set('Content-Type', contentType);
        if (r.contentEncoding !== undefined) req = req.set('Content-Encoding', r.contentEncoding);
        const authorization = { none: undefined, donor: bearer(donorToken), operator: bearer(TEST_OPERATOR_TOKEN), garbage: bearer('garbage'), secret: bearer(r.secret), basic: 'Basic eDp5' }[r.authorization];
        if (authorization !== undefined) req = req.set('Authorization', authorization);
        const cookie = {
          none: undefined,
          csrf: anonymousCsrf.cookie,
          'garbage-session': 'kibble_session=garbage',
          'garbage-operator': `${anonymousCsrf.cookie}; kibble_operator=garbage`,
          'secret-session': `kibble_session=${r.secret}`,
        }[r.cookie];
        if (cookie !== undefined) req = req.set('Cookie', cookie);
        for (const [name, value] of Object.entries(r.otherHeaders)) req = req.set(name, value);
        const csrf = `_csrf=${encodeURIComponent(anonymousCsrf.token)}`;
        const body =
          r.body === 'json-secret' && r.target.kind === 'page'
            ? `${csrf}&handle=fuzzed&password=${r.secret}&token=${r.secret}`
            : r.body === 'json-secret'
            ? JSON.stringify({ handle: 'fuzzed', password: r.secret, token: r.secret })
            : r.body === 'form-secret'
              ? `${csrf}&handle=fuzzed&password=${r.secret}&token=${r.secret}`
              : r.body === 'many-fields'
                ? `${csrf}&token=${r.secret}&${Array.from({ length: 50 }, () => 'p=1').join('&')}`
                : r.body === 'oversized'
                  ? `${csrf}&password=${r.secret}${'x'.repeat(17 * 1024)}`
                  : r.body;
        const res = body === undefined ? await req : await req.send(body);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const log = logLines.join('');
        const context = `${r.target.method.toUpperCase()} ${path} -> ${res.status}`;
        expect({ context, serverError: res.status >= 500 }).toEqual({ context, serverError: false });
        expect({ context, secretLogged: log.includes(r.secret) }).toEqual({ context, secretLogged: false });
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );

    // The runs reach the handlers (answers, redirects, conflicts), not only the refusals in front of them.
    const reached = Object.entries(statuses).filter(([status]) => Number(status) < 400 || Number(status) === 409).reduce((sum, [, n]) => sum + n, 0);
    if (process.env.FUZZ_REPORT !== undefined) console.log(statuses);
    expect(reached).toBeGreaterThan(RUNS / 10);
    const log = logLines.join('');
    for (const secret of [TEST_OPERATOR_TOKEN, TEST_PASSWORD, donorToken]) expect(log.includes(secret)).toBe(false);
  }, Math.max(180_000, RUNS * 100));
});

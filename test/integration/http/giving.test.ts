import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { COIN } from '../../../src/money/amount';
import { depositCreditJournal } from '../../../src/money/ledger';
import { recordJournal } from '../../../src/services/ledger/ledger-store';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_START, type SignedUp } from '../../support/http';

// The giving side of the API over HTTP: things, flattr, click values, subscriptions, stats.
describe('things, flattr, clicks, subscriptions and stats over HTTP', () => {
  useTestDatabase();
  const t = createTestApp();
  let creator: SignedUp;
  let donor: SignedUp;
  let other: SignedUp;

  const post = (path: string, who: SignedUp, body?: object) => request(t.app).post(path).set('Authorization', bearer(who.token)).send(body);
  const get = (path: string, who: SignedUp) => request(t.app).get(path).set('Authorization', bearer(who.token));
  const newThing = async (title = 'A post') => {
    const res = await post('/api/v1/things', creator, { url: `https://Blog.Example.org:443/${randomBytes(5).toString('hex')}#top`, title });
    expect(res.status).toBe(201);
    return res.body as { id: string; url: string; pageUrl: string; buttonUrl: string; embedHtml: string };
  };

  beforeAll(async () => {
    t.clock.set(TEST_START);
    [creator, donor, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await recordJournal(depositCreditJournal('seed:0', 1, donor.id, 100n * COIN), TEST_START);
    expect((await request(t.app).put('/api/v1/me/budget').set('Authorization', bearer(donor.token)).send({ monthlyBudget: '5' })).status).toBe(200);
  });

  it('registers a thing with a normalized URL and absolute embed links, once', async () => {
    const thing = await newThing();
    expect(thing.url).toMatch(/^https:\/\/blog\.example\.org\/[0-9a-f]{10}$/);
    expect(thing.pageUrl).toBe(`${t.deps.config.publicUrl}/t/${thing.id}`);
    expect(thing.embedHtml).toContain(`src="${thing.buttonUrl}"`);
    expectError(await post('/api/v1/things', creator, { url: thing.url, title: 'again' }), 409, 'thing-exists');
    expectError(await post('/api/v1/things', creator, { url: 'ftp://example.org/x', title: 'x' }), 400, 'validation-failed');
    expectError(await request(t.app).post('/api/v1/things').send({ url: 'https://example.org/', title: 'x' }), 401, 'unauthorized');
    expect((await request(t.app).get(`/api/v1/things/${thing.id}`)).body).toMatchObject({ id: thing.id, url: thing.url });
    expectError(await request(t.app).get('/api/v1/things/65f000000000000000000000'), 404, 'not-found');
    expect((await get('/api/v1/me/things', creator)).body.things.map((x: { id: string }) => x.id)).toContain(thing.id);
    expect((await get('/api/v1/me/things', donor)).body.things).toEqual([]);
  });

  it("counts one flattr per donor, thing and period, never one's own, and values each click", async () => {
    const things = [await newThing('one'), await newThing('two'), await newThing('three')];
    for (const thing of things) expect((await post(`/api/v1/things/${thing.id}/flattr`, donor)).status).toBe(201);
    expectError(await post(`/api/v1/things/${things[0]!.id}/flattr`, donor), 409, 'already-flattred');
    expectError(await post(`/api/v1/things/${things[0]!.id}/flattr`, creator), 403, 'own-thing');
    expectError(await post('/api/v1/things/65f000000000000000000000/flattr', donor), 404, 'not-found');

    // The seed example: budget 5, three clicks, 10% fee -> 0.5 fee, 1.5 each.
    const clicks = await get('/api/v1/me/clicks', donor);
    expect(clicks.body).toMatchObject({ period: '2026-03', charge: '5', fee: '0.5', clickCount: 3 });
    expect(clicks.body.clicks.map((c: { value: string }) => c.value)).toEqual(['1.5', '1.5', '1.5']);
    expect((await get('/api/v1/me/clicks?period=2026-02', donor)).body).toMatchObject({ clickCount: 0, charge: '0' });
    expectError(await get('/api/v1/me/clicks?period=2026-13', donor), 400, 'validation-failed');
    expect((await get('/api/v1/me/clicks', other)).body.clicks).toEqual([]);

    const stats = await get('/api/v1/me/stats', creator);
    expect(stats.body).toMatchObject({ flattrsThisPeriod: 3, distinctSupporters: 1 });
  });

  it("subscribes, lists only one's own subscriptions, and unsubscribes", async () => {
    const thing = await newThing('subscribed');
    const created = await post('/api/v1/subscriptions', other, { thingId: thing.id });
    expect(created.status).toBe(201);
    expectError(await post('/api/v1/subscriptions', other, { thingId: thing.id }), 409, 'already-subscribed');
    expectError(await post('/api/v1/subscriptions', creator, { thingId: thing.id }), 403, 'own-thing');
    expect((await get('/api/v1/me/subscriptions', donor)).body.subscriptions).toEqual([]);
    expectError(await request(t.app).delete(`/api/v1/subscriptions/${created.body.id}`).set('Authorization', bearer(donor.token)), 404, 'not-found');
    expect((await request(t.app).delete(`/api/v1/subscriptions/${created.body.id}`).set('Authorization', bearer(other.token))).status).toBe(204);
    expect((await get('/api/v1/me/subscriptions', other)).body.subscriptions).toEqual([]);
  });
});

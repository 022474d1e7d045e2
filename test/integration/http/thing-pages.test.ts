import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import request from 'supertest';
import { ClickModel } from '../../../src/db/click';
import { SubscriptionModel } from '../../../src/db/subscription';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, TEST_PASSWORD, TEST_START } from '../../support/http';
import { csrfOf, postForm, signUpWeb, type Agent, type WebUser } from '../../support/web';
import { credit, doge } from '../services/seed';

describe('the thing page /t/:thingId', () => {
  useTestDatabase();
  const t = createTestApp();
  let creator: WebUser;
  beforeAll(async () => {
    creator = await signUpWeb(t);
  });
  beforeEach(() => t.clock.set(TEST_START));

  const registerThing = async (title = 'A post about dogs'): Promise<{ id: string; url: string }> => {
    const url = `https://blog.example.org/${randomBytes(6).toString('hex')}?a=1&b=2`;
    const res = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url, title });
    expect(res.status).toBe(201);
    return res.body as { id: string; url: string };
  };
  const getPage = async (agent: Agent, path: string, status = 200): Promise<string> => {
    const res = await agent.get(path);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    return res.text;
  };

  it('shows a visitor the title, link, creator, flattrs, the button and a sign-in link', async () => {
    const thing = await registerThing();
    const page = await getPage(request.agent(t.app), `/t/${thing.id}`);
    expect(page).toContain('<title>A post about dogs · kibble</title>');
    expect(page).toContain('<h1>A post about dogs</h1>');
    const escapedUrl = thing.url.replace(/&/g, '&amp;');
    expect(page).toContain(`<a id="thing-url" href="${escapedUrl}" rel="nofollow ugc noopener">${escapedUrl}</a>`);
    expect(page).toContain(`By <strong id="thing-owner">${creator.handle}</strong>`);
    expect(page).toContain('<strong id="flattr-count">0 flattrs</strong> in 2026-03');
    expect(page).toContain(`<img id="button-preview" src="/t/${thing.id}/button.svg?n=0" alt="kibble button of this thing: 0 flattrs in 2026-03"`);
    expect(page).toContain(`<a id="flattr-signin" class="button" href="/signin?next=/t/${thing.id}">Sign in to flattr</a>`);
    expect(page).not.toContain('id="flattr-form"');
    expect(page).not.toContain('id="subscribe-form"');
    expect(page).not.toContain('id="embed-code"');
    expect(page).not.toMatch(/<style|style="|<script(?! src="\/static\/kibble\.js")/);
  });

  it('signs in from the link and comes back to the thing', async () => {
    const thing = await registerThing();
    const donor = await signUpWeb(t);
    const agent = request.agent(t.app);
    const form = await agent.get(`/signin?next=/t/${thing.id}`);
    expect(form.text).toContain(`<input type="hidden" name="next" value="/t/${thing.id}">`);
    const res = await agent.post('/signin').type('form').send({ handle: donor.handle, password: TEST_PASSWORD, next: `/t/${thing.id}`, _csrf: csrfOf(form.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/t/${thing.id}`);
    expect(await getPage(agent, `/t/${thing.id}`)).toContain('<form id="flattr-form"');
  });

  it('flattrs once per month: the form, then "You flattred this", and a second POST changes nothing', async () => {
    const thing = await registerThing();
    const donor = await signUpWeb(t);
    // A donor with a budget and a balance: their flattr counts (honest-flattrs.test.ts: one without).
    await credit(donor.id, doge('5'));
    expect((await request(t.app).put('/api/v1/me/budget').set('Authorization', bearer(donor.token)).send({ monthlyBudget: '5' })).status).toBe(200);
    const before = await getPage(donor.agent, `/t/${thing.id}`);
    expect(before).toMatch(new RegExp(`<form id="flattr-form" class="inline" method="post" action="/t/${thing.id}/flattr"><input type="hidden" name="_csrf" value="[^"]+"><button type="submit">Flattr</button></form>`));
    expect(before).toContain(`<form id="subscribe-form" class="inline" method="post" action="/t/${thing.id}/subscribe">`);

    const res = await postForm(donor.agent, `/t/${thing.id}`, `/t/${thing.id}/flattr`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/t/${thing.id}?flattred=1`);
    const after = await getPage(donor.agent, `/t/${thing.id}?flattred=1`);
    expect(after).toContain('<p class="notice ok" role="status">Thanks! Your flattr counts in 2026-03;');
    expect(after).toContain('<p id="flattred">You flattred this in 2026-03.</p>');
    expect(after).not.toContain('id="flattr-form"');
    expect(after).toContain('<strong id="flattr-count">1 flattr</strong> in 2026-03');
    // Still possible to subscribe after a flattr.
    expect(after).toContain('id="subscribe-form"');

    const again = await postForm(donor.agent, `/t/${thing.id}`, `/t/${thing.id}/flattr`);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/t/${thing.id}`);
    const still = await getPage(donor.agent, `/t/${thing.id}`);
    expect(still).toContain('<p id="flattred">You flattred this in 2026-03.</p>');
    expect(still).not.toContain('Thanks!');
    expect(await ClickModel.countDocuments({ thingId: new Types.ObjectId(thing.id), donorId: new Types.ObjectId(donor.id) })).toBe(1);

    // Next month the form is back.
    t.clock.set('2026-04-01T00:00:00.000Z');
    const april = await getPage(donor.agent, `/t/${thing.id}`);
    expect(april).toContain('id="flattr-form"');
    expect(april).toContain('<strong id="flattr-count">0 flattrs</strong> in 2026-04');
  });

  it('subscribes once, then says so', async () => {
    const thing = await registerThing();
    const donor = await signUpWeb(t);
    const res = await postForm(donor.agent, `/t/${thing.id}`, `/t/${thing.id}/subscribe`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/t/${thing.id}?subscribed=1`);
    const page = await getPage(donor.agent, `/t/${thing.id}?subscribed=1`);
    expect(page).toContain('Subscribed: this thing gets a flattr from you every month.');
    expect(page).toContain('<p id="subscribed">');
    expect(page).not.toContain('id="subscribe-form"');
    expect(page).toContain('id="flattr-form"');

    const again = await postForm(donor.agent, `/t/${thing.id}`, `/t/${thing.id}/subscribe`);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/t/${thing.id}`);
    expect(await SubscriptionModel.countDocuments({ thingId: new Types.ObjectId(thing.id) })).toBe(1);
  });

  it("shows its creator no button on their own thing, but the code to embed it", async () => {
    const thing = await registerThing('Mine & yours');
    const page = await getPage(creator.agent, `/t/${thing.id}`);
    expect(page).toContain('<p id="own-thing">This is your own thing: you cannot flattr it.');
    expect(page).not.toContain('id="flattr-form"');
    expect(page).not.toContain('id="subscribe-form"');
    expect(page).not.toContain('id="flattred"');
    // The snippet is escaped once for itself and once more for the page.
    const base = `${t.deps.config.publicUrl}/t/${thing.id}`;
    expect(page).toContain(`<code id="embed-code">&lt;a href=&quot;${base}&quot;&gt;&lt;img src=&quot;${base}/button.svg&quot; alt=&quot;Flattr Mine &amp;amp; yours with kibble&quot; height=&quot;20&quot;&gt;&lt;/a&gt;</code>`);

    // A forged POST is refused with the reason, and stores nothing.
    const flattr = await postForm(creator.agent, `/t/${thing.id}`, `/t/${thing.id}/flattr`);
    expect(flattr.status).toBe(403);
    expect(flattr.text).toContain('<p class="notice error" role="alert">You cannot flattr your own thing.</p>');
    const subscribe = await postForm(creator.agent, `/t/${thing.id}`, `/t/${thing.id}/subscribe`);
    expect(subscribe.status).toBe(403);
    expect(subscribe.text).toContain('You cannot subscribe to your own thing.');
    expect(await ClickModel.countDocuments({ thingId: new Types.ObjectId(thing.id) })).toBe(0);
  });

  it('sends a signed-out POST to the sign-in page, coming back to the thing', async () => {
    const thing = await registerThing();
    const agent = request.agent(t.app);
    for (const action of ['flattr', 'subscribe']) {
      const res = await postForm(agent, '/signin', `/t/${thing.id}/${action}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/signin?next=${encodeURIComponent(`/t/${thing.id}`)}`);
    }
    expect(await ClickModel.countDocuments({ thingId: new Types.ObjectId(thing.id) })).toBe(0);
  });

  it('refuses a POST without the CSRF token (403, "form has expired") and stores nothing', async () => {
    const thing = await registerThing();
    const donor = await signUpWeb(t);
    await donor.agent.get(`/t/${thing.id}`);
    const res = await donor.agent.post(`/t/${thing.id}/flattr`).type('form').send({});
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('This form has expired or did not come from kibble.');
    expect(await ClickModel.countDocuments({ thingId: new Types.ObjectId(thing.id) })).toBe(0);
  });

  it('escapes a hostile title', async () => {
    const thing = await registerThing(`<script>alert("x")</script> & 'quotes'`);
    const page = await getPage(request.agent(t.app), `/t/${thing.id}`);
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</h1>');
  });

  it.each([new Types.ObjectId().toHexString(), 'nope', '0'.repeat(23), '%7B%22%24gt%22%3A%22%22%7D'])('answers an unknown or malformed id %s with a 404 page', async (id) => {
    const page = await getPage(request.agent(t.app), `/t/${id}`, 404);
    expect(page).toContain('<h1>Not found</h1>');
    expect(page).toContain('no thing with this id');
    const donor = request.agent(t.app);
    const res = await postForm(donor, '/signin', `/t/${id}/flattr`);
    expect(res.status).toBe(404);
  });
});

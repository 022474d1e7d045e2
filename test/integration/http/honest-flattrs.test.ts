import request from 'supertest';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp } from '../../support/http';
import { postForm, signUpWeb, type WebUser } from '../../support/web';
import { credit, doge } from '../services/seed';

/**
 * Honest flattrs (issue 17 item 2): a flattr by a donor with no budget or no balance is recorded
 * (it counts if they fund before the month ends), and the API answer, the thing page and the
 * donor page say it is worth nothing yet and link to the fix; the thing page tells a donor what
 * their flattr there is worth now.
 */
describe('honest flattrs', () => {
  useTestDatabase();
  const t = createTestApp();
  let creator: WebUser;
  beforeAll(async () => {
    creator = await signUpWeb(t);
  });

  const newThing = async (): Promise<string> => {
    const res = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url: `https://example.org/${Math.random().toString(36).slice(2)}`, title: 'A thing' });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };
  const flattrApi = (thingId: string, donor: WebUser) => request(t.app).post(`/api/v1/things/${thingId}/flattr`).set('Authorization', bearer(donor.token));
  const setBudget = async (donor: WebUser, budget: string) => {
    expect((await request(t.app).put('/api/v1/me/budget').set('Authorization', bearer(donor.token)).send({ monthlyBudget: budget })).status).toBe(200);
  };

  describe('the API answer', () => {
    it('says why a flattr is worth nothing yet: no budget and no balance', async () => {
      const donor = await signUpWeb(t);
      const res = await flattrApi(await newThing(), donor);
      expect(res.status).toBe(201);
      expect((res.body as { worthNothingYet: unknown }).worthNothingYet).toEqual({
        reasons: ['no-budget', 'no-balance'],
        message: 'Recorded, but worth nothing yet: you have no monthly budget (PUT /api/v1/me/budget) and your balance is zero (send coins to your deposit address, GET /api/v1/me). It counts if you fix this before 2026-03 is settled.',
      });
    });

    it('a budget without a balance is still worth nothing; funded, worthNothingYet is null and the earlier flattr counts', async () => {
      const donor = await signUpWeb(t);
      await setBudget(donor, '10');
      const first = await flattrApi(await newThing(), donor);
      expect((first.body as { worthNothingYet: { reasons: string[] } }).worthNothingYet.reasons).toEqual(['no-balance']);
      await credit(donor.id, doge('4'));
      await setBudget(donor, '10'); // this instance forgets the cached funds on a budget change
      const second = await flattrApi(await newThing(), donor);
      expect((second.body as { worthNothingYet: unknown }).worthNothingYet).toBeNull();
      // Both flattrs share min(budget, balance) = 4 less 10%: the first, worthless when made, counts now.
      const clicks = await request(t.app).get('/api/v1/me/clicks').set('Authorization', bearer(donor.token));
      expect((clicks.body as { clicks: { value: string }[] }).clicks.map((click) => click.value)).toEqual(['1.8', '1.8']);
    });
  });

  describe('the thing page', () => {
    it('tells a donor without budget or balance that a flattr would be worth nothing, with the fixes; after the click it says so instead of "thanks, it counts"', async () => {
      const donor = await signUpWeb(t);
      const thingId = await newThing();
      const before = await donor.agent.get(`/t/${thingId}`);
      expect(before.text).toContain(
        '<div id="flattr-worth"><p class="notice error" role="status" id="worth-nothing-yet">A flattr from you would be worth nothing now: you have no monthly budget and your balance is zero. It counts if you <a href="/donor#budget-heading">set a monthly budget</a> and <a href="/donor#deposit-heading">fund your account</a> before the month ends.</p></div>',
      );
      const flattred = await postForm(donor.agent, `/t/${thingId}`, `/t/${thingId}/flattr`);
      const after = await donor.agent.get(String(flattred.headers.location));
      expect(after.text).toContain('Your flattr is recorded in 2026-03, but it is worth nothing yet: you have no monthly budget and your balance is zero.');
      expect(after.text).not.toContain('Your flattr counts');
      // The public count counts the flattr: it is recorded, and counts if the donor funds in time.
      expect(after.text).toContain('<strong id="flattr-count">1 flattr</strong>');
    });

    it('tells a funded donor what their flattr would be worth now, and what it is worth once made', async () => {
      const donor = await signUpWeb(t);
      await credit(donor.id, doge('100'));
      await setBudget(donor, '9');
      await flattrApi(await newThing(), donor);
      const thingId = await newThing();
      const before = await donor.agent.get(`/t/${thingId}`);
      // 9 less 10% = 8.1 over 2 flattrs (the one made and this one).
      expect(before.text).toContain('<p id="flattr-worth">Your flattr here would be worth 4.05\u00a0DOGE if the month ended now: your budget (or your balance, if smaller) less the 10% service fee, split over your 2 flattrs this month including this one.</p>');
      const flattred = await postForm(donor.agent, `/t/${thingId}`, `/t/${thingId}/flattr`);
      const after = await donor.agent.get(String(flattred.headers.location));
      expect(after.text).toContain('Thanks! Your flattr counts in 2026-03');
      expect(after.text).toContain('<p id="flattr-worth">Your flattr here is worth 4.05\u00a0DOGE if the month ended now (your budget split over your 2 flattrs this month).</p>');
    });

    it('shows a visitor no worth at all', async () => {
      const page = await request(t.app).get(`/t/${await newThing()}`);
      expect(page.text).not.toContain('flattr-worth');
    });
  });

  describe('the donor page', () => {
    it("says this month's flattrs are worth nothing yet and links to the budget and deposit sections", async () => {
      const donor = await signUpWeb(t);
      await flattrApi(await newThing(), donor);
      await flattrApi(await newThing(), donor);
      const page = await donor.agent.get('/donor');
      expect(page.text).toContain(
        '<p class="notice error" role="status" id="worth-nothing-yet">Your 2 flattrs this month are recorded but worth nothing yet: you have no monthly budget and your balance is zero. They count if you <a href="#budget-heading">set a monthly budget</a> and <a href="#deposit-heading">fund your account</a> before the month ends.</p>',
      );
      await credit(donor.id, doge('3'));
      await setBudget(donor, '5');
      expect((await donor.agent.get('/donor')).text).not.toContain('worth-nothing-yet');
    });

    it('says nothing of the kind before any flattr', async () => {
      const donor = await signUpWeb(t);
      expect((await donor.agent.get('/donor')).text).not.toContain('worth-nothing-yet');
    });
  });
});

import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import request from 'supertest';
import { DepositModel, depositKey } from '../../../src/db/deposit';
import { MempoolDepositModel } from '../../../src/db/mempool-deposit';
import { SettlementModel } from '../../../src/db/settlement';
import { SubscriptionModel } from '../../../src/db/subscription';
import { AccountModel } from '../../../src/db/account';
import { creatorAccount, donorAccount, PLATFORM_FEES_ACCOUNT } from '../../../src/money/ledger';
import { allocationJournalId, SETTLEMENT_ALLOCATION_KIND } from '../../../src/money/settlement-plan';
import { recordJournal } from '../../../src/services/ledger/ledger-store';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, TEST_START } from '../../support/http';
import { csrfOf, postForm, signUpWeb, type WebUser } from '../../support/web';
import { credit, doge } from '../services/seed';

async function donorPage(user: WebUser, query = ''): Promise<string> {
  const res = await user.agent.get(`/donor${query}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  return res.text;
}

function part(page: string, pattern: RegExp): string {
  const match = pattern.exec(page);
  if (match === null) throw new Error(`${String(pattern)} not in the page:\n${page}`);
  return match[0];
}

const table = (page: string, id: string): string => part(page, new RegExp(`<table id="${id}"[\\s\\S]*?</table>`));
const rows = (markup: string, className: string): string[] => markup.match(new RegExp(`<tr class="${className}">[\\s\\S]*?</tr>`, 'g')) ?? [];
const txid = (): string => randomBytes(32).toString('hex');

interface ApiMonth {
  period: string;
  settlementState: string;
  final: boolean;
  charge: string;
  fee: string;
  clickCount: number;
  clicks: Array<{ thingId: string; source: string; value: string }>;
}

/** A past month's figures as the page shows them: the charge, the fee, the count and each share. */
function pageFigures(article: string): { charge: string; fee: string; clickCount: number; values: string[] } {
  const summary = /<strong>([0-9.]+)\u00a0DOGE<\/strong> \(of which ([0-9.]+)\u00a0DOGE service fee\) for ([0-9]+) flattrs?\./.exec(article);
  if (summary === null) throw new Error(`no summary in ${article}`);
  const values = rows(article, 'past-row').map((row) => /<td class="num">([0-9.]+)\u00a0DOGE<\/td>/.exec(row)?.[1] ?? 'missing');
  return { charge: summary[1] ?? '', fee: summary[2] ?? '', clickCount: Number(summary[3]), values };
}

function pageFiguresOfApi(month: ApiMonth): ReturnType<typeof pageFigures> {
  return { charge: month.charge, fee: month.fee, clickCount: month.clickCount, values: month.clicks.map((click) => click.value) };
}

describe('the donor page', () => {
  useTestDatabase();
  const t = createTestApp();
  beforeEach(() => {
    t.clock.set(TEST_START);
    t.setChainTip(1000);
  });

  const registerThing = async (owner: { token: string }, title: string): Promise<string> => {
    const url = `https://example.org/${randomBytes(6).toString('hex')}`;
    const res = await request(t.app).post('/api/v1/things').set('Authorization', bearer(owner.token)).send({ url, title });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };

  it('sends a visitor who is not signed in to the sign-in page, coming back afterwards', async () => {
    const res = await request(t.app).get('/donor');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fdonor');
  });

  it('shows the deposit address, its QR code, the wallet link and a zero balance', async () => {
    const alice = await signUpWeb(t);
    const page = await donorPage(alice);
    const stored = await AccountModel.findById(alice.id).lean();
    expect(stored?.depositAddress).toBe(alice.depositAddress);
    expect(page).toContain(`<h1>Donor: ${alice.handle}</h1>`);
    expect(page).toContain(`<code id="deposit-address">${alice.depositAddress}</code>`);
    expect(page).toContain(`<a id="deposit-uri" href="dogecoin:${alice.depositAddress}">`);
    expect(page).toMatch(/<div id="deposit-qr" class="qr"><svg role="img" aria-label="QR code of your deposit address" xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>[\s\S]*<\/svg><\/div>/);
    expect(page).toContain('<span id="balance">0\u00a0DOGE</span>');
    expect(table(page, 'pending-deposits')).toContain('None right now.');
    expect(table(page, 'this-month')).toContain('No flattrs yet this month.');
    expect(table(page, 'subscriptions')).toContain('No subscriptions.');
    expect(part(page, /<section id="past-months"[\s\S]*?<\/section>/)).toContain('No earlier months with flattrs yet.');
    // Strict CSP: no inline script or style anywhere.
    expect(page).not.toMatch(/<script(?![^>]*src="\/static\/kibble\.js")/);
    expect(page).not.toMatch(/<style|style="/);
    // Every POST form carries the CSRF token.
    const forms = page.match(/<form [^>]*method="post"[^>]*>[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThanOrEqual(2);
    for (const form of forms) expect(form).toContain('name="_csrf"');
  });

  it('shows the balance and the pending deposits with their confirmations', async () => {
    const bob = await signUpWeb(t);
    await credit(bob.id, doge('12.5'));
    const inBlock = txid();
    const mempool = txid();
    await DepositModel.create({ _id: depositKey(inBlock, 1), txid: inBlock, vout: 1, address: bob.depositAddress, accountId: new Types.ObjectId(bob.id), amount: doge('3'), blockHash: 'ab'.repeat(32), blockHeight: 998, seenAt: t.clock() });
    await MempoolDepositModel.create({ _id: depositKey(mempool, 0), txid: mempool, address: bob.depositAddress, accountId: bob.id, amount: doge('0.5'), seenAt: t.clock() });

    let page = await donorPage(bob);
    expect(page).toContain('<span id="balance">12.5\u00a0DOGE</span>');
    const pending = rows(table(page, 'pending-deposits'), 'pending-row');
    expect(pending).toHaveLength(2);
    expect(pending[0]).toContain('3\u00a0DOGE');
    expect(pending[0]).toContain('3 of 6');
    expect(pending[1]).toContain('0.5\u00a0DOGE');
    expect(pending[1]).toContain('0 of 6 (not in a block yet)');

    // The node down: the page still shows, without confirmations for the deposit in a block.
    t.setChainTip(new Error('node unreachable'));
    page = await donorPage(bob);
    expect(rows(table(page, 'pending-deposits'), 'pending-row')[0]).toContain('unknown right now (6 needed)');
  });

  describe('the monthly budget form', () => {
    it('saves a budget and says so', async () => {
      const carol = await signUpWeb(t);
      const page = await donorPage(carol);
      expect(page).toContain('<form id="budget-form" method="post" action="/donor/budget"');
      expect(page).toContain('<input id="field-monthlyBudget" name="monthlyBudget" type="text" value="0" inputmode="decimal" required>');

      const res = await postForm(carol.agent, '/donor', '/donor/budget', { monthlyBudget: '12.5' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/donor?saved=budget');
      expect((await AccountModel.findById(carol.id).lean())?.monthlyBudget ?? -1n).toBe(doge('12.5'));

      const after = await donorPage(carol, '?saved=budget');
      expect(after).toContain('<p class="notice ok" role="status">Your monthly budget is saved.</p>');
      expect(after).toContain('<strong id="monthly-budget">12.5\u00a0DOGE</strong>');
      expect(after).toContain('value="12.5"');
      // Without the query the notice is gone.
      expect(await donorPage(carol)).not.toContain('Your monthly budget is saved.');
    });

    it.each([
      ['abc', 'expected a decimal number of coins'],
      ['1.000000001', 'has 9 decimals'],
      ['-5', 'signs are not allowed'],
      ['', 'the amount is empty'],
    ])('refuses %j with the reason next to the field (400)', async (typed, reason) => {
      const dave = await signUpWeb(t);
      await postForm(dave.agent, '/donor', '/donor/budget', { monthlyBudget: '3' });
      const res = await postForm(dave.agent, '/donor', '/donor/budget', { monthlyBudget: typed });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const fieldMarkup = part(res.text, /<div class="field"><label for="field-monthlyBudget">[\s\S]*?<\/p><\/div>/);
      expect(fieldMarkup).toContain(`value="${typed}"`);
      expect(fieldMarkup).toContain('aria-describedby="field-monthlyBudget-error" aria-invalid="true"');
      expect(fieldMarkup).toMatch(new RegExp(`<p class="error" id="field-monthlyBudget-error" role="alert">amount [^<]*${reason}`));
      // The rest of the page is still there, and the budget is unchanged.
      expect(res.text).toContain(`<code id="deposit-address">${dave.depositAddress}</code>`);
      expect(res.text).toContain('<strong id="monthly-budget">3\u00a0DOGE</strong>');
      expect((await AccountModel.findById(dave.id).lean())?.monthlyBudget ?? -1n).toBe(doge('3'));
    });
  });

  describe('flattrs, subscriptions and past months', () => {
    let creator: WebUser;
    let erin: WebUser;
    let post: string;
    let video: string;
    beforeAll(async () => {
      t.clock.set(TEST_START);
      creator = await signUpWeb(t);
      post = await registerThing(creator, 'A post <about> dogs');
      video = await registerThing(creator, 'A video');
      erin = await signUpWeb(t);
      await credit(erin.id, doge('100'));
      await postForm(erin.agent, '/donor', '/donor/budget', { monthlyBudget: '10' });
    });

    it("lists this month's flattrs with what each is worth if the month ended now", async () => {
      const flattred = await postForm(erin.agent, `/t/${post}`, `/t/${post}/flattr`);
      expect(flattred.status).toBe(303);
      const subscribed = await postForm(erin.agent, `/t/${video}`, `/t/${video}/subscribe`);
      expect(subscribed.status).toBe(303);

      const page = await donorPage(erin);
      expect(page).toContain('<h2 id="month-heading">This month: 2026-03</h2>');
      // 10 DOGE budget, 10% fee: 9 DOGE over two clicks (the flattr and the subscription's).
      expect(page).toContain('you would give <strong>10\u00a0DOGE</strong> (of which 1\u00a0DOGE service fee) split across 2 flattrs');
      const [clicked, bySubscription, ...more] = rows(table(page, 'this-month'), 'flattr-row');
      expect(more).toEqual([]);
      expect(clicked).toContain(`<a href="/t/${post}">A post &lt;about&gt; dogs</a>`);
      // Intl's English date and time (ICU puts a space or a narrow no-break space before PM).
      expect(clicked).toMatch(/<time datetime="2026-03-15T12:00:00.000Z">Mar 15, 2026, 12:00\sPM UTC<\/time>/);
      expect(clicked).toContain('<td>button</td>');
      expect(clicked).toContain('4.5\u00a0DOGE');
      expect(bySubscription).toContain(`<a href="/t/${video}">A video</a>`);
      expect(bySubscription).toContain('at the end of the month');
      expect(bySubscription).toContain('<td>subscription</td>');
      expect(bySubscription).toContain('4.5\u00a0DOGE');

      const subscription = rows(table(page, 'subscriptions'), 'subscription-row');
      expect(subscription).toHaveLength(1);
      const stored = await SubscriptionModel.findOne({ donorId: new Types.ObjectId(erin.id) }).lean();
      expect(subscription[0]).toContain(`action="/donor/subscriptions/${stored?._id.toHexString()}/delete"`);
      expect(subscription[0]).toContain('aria-label="Unsubscribe from A video"');
      expect(subscription[0]).toContain('name="_csrf"');
    });

    it('unsubscribes, and a stale unsubscribe form is answered with a notice', async () => {
      const subscription = await SubscriptionModel.findOne({ donorId: new Types.ObjectId(erin.id) }).lean();
      const id = subscription?._id.toHexString() ?? '';
      const res = await postForm(erin.agent, '/donor', `/donor/subscriptions/${id}/delete`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/donor?saved=unsubscribed');
      const page = await donorPage(erin, '?saved=unsubscribed');
      expect(page).toContain('You are unsubscribed.');
      expect(table(page, 'subscriptions')).toContain('No subscriptions.');
      // The subscription's click is gone from the estimate: the flattr now gets all 9 DOGE.
      expect(rows(table(page, 'this-month'), 'flattr-row').map((row) => row.includes('9\u00a0DOGE'))).toEqual([true]);

      const again = await postForm(erin.agent, '/donor', `/donor/subscriptions/${id}/delete`);
      expect(again.status).toBe(404);
      expect(again.text).toContain('<p class="notice error" role="alert">Could not unsubscribe: no subscription with this id.</p>');
      const malformed = await postForm(erin.agent, '/donor', '/donor/subscriptions/nope/delete');
      expect(malformed.status).toBe(404);
      expect(malformed.text).toContain('Could not unsubscribe');
    });

    it('shows earlier months: an estimate before the settlement, what was charged after it', async () => {
      const frank = await signUpWeb(t);
      await credit(frank.id, doge('20'));
      await postForm(frank.agent, '/donor', '/donor/budget', { monthlyBudget: '4' });
      t.clock.set('2026-01-10T09:00:00.000Z');
      expect((await postForm(frank.agent, `/t/${post}`, `/t/${post}/flattr`)).status).toBe(303);
      t.clock.set('2026-02-10T09:00:00.000Z');
      expect((await postForm(frank.agent, `/t/${post}`, `/t/${post}/flattr`)).status).toBe(303);
      expect((await postForm(frank.agent, `/t/${video}`, `/t/${video}/flattr`)).status).toBe(303);
      t.clock.set(TEST_START);

      // January was settled: 5 DOGE were taken (a budget of 5 back then), 0.5 of it the fee.
      const now = t.clock();
      await SettlementModel.create({ _id: '2026-01', period: '2026-01', state: 'confirmed', allocationWritten: true, createdAt: now, updatedAt: now });
      await recordJournal(
        {
          id: allocationJournalId('2026-01'),
          kind: SETTLEMENT_ALLOCATION_KIND,
          period: '2026-01',
          lines: [
            { account: donorAccount(frank.id), amount: -doge('5') },
            { account: creatorAccount(creator.id), amount: doge('4.5') },
            { account: PLATFORM_FEES_ACCOUNT, amount: doge('0.5') },
          ],
        },
        now,
      );

      const page = await donorPage(frank);
      expect(table(page, 'this-month')).toContain('No flattrs yet this month.');
      const past = part(page, /<section id="past-months"[\s\S]*?<\/section>/);
      const [february, january, ...more] = past.match(/<article class="past-month"[\s\S]*?<\/article>/g) ?? [];
      expect(more).toEqual([]);
      expect(february).toContain('<h3 id="past-2026-02">2026-02: not settled yet</h3>');
      // Not settled: the estimate from today's budget (4) and balance (15).
      expect(february).toContain('If it were settled now: <strong>4\u00a0DOGE</strong> (of which 0.4\u00a0DOGE service fee) for 2 flattrs.');
      expect(rows(february ?? '', 'past-row').map((row) => row.includes('1.8\u00a0DOGE'))).toEqual([true, true]);
      expect(january).toContain('<h3 id="past-2026-01">2026-01: settled</h3>');
      expect(january).toContain('Charged <strong>5\u00a0DOGE</strong> (of which 0.5\u00a0DOGE service fee) for 1 flattr.');
      const [share] = rows(january ?? '', 'past-row');
      expect(share).toContain(`<a href="/t/${post}">A post &lt;about&gt; dogs</a>`);
      expect(share).toContain('4.5\u00a0DOGE');

      // GET /api/v1/me/months gives the same figures as the page, the settled month included.
      const api = await request(t.app).get('/api/v1/me/months').set('Authorization', bearer(frank.token));
      expect(api.status).toBe(200);
      const months = (api.body as { months: ApiMonth[] }).months;
      expect(months.map((month) => [month.period, month.settlementState, month.final])).toEqual([
        ['2026-02', 'open', false],
        ['2026-01', 'confirmed', true],
      ]);
      expect(months.map(pageFiguresOfApi)).toEqual([pageFigures(february ?? ''), pageFigures(january ?? '')]);
      expect(months[1]).toMatchObject({ charge: '5', fee: '0.5', clickCount: 1, clicks: [{ thingId: post, source: 'button', value: '4.5' }] });

      // A limit and an earlier end: only January; bad values are a 400 in the one error format.
      const earlier = await request(t.app).get('/api/v1/me/months?before=2026-02&limit=1').set('Authorization', bearer(frank.token));
      expect((earlier.body as { months: ApiMonth[] }).months.map((month) => month.period)).toEqual(['2026-01']);
      for (const query of ['limit=0', 'limit=121', 'limit=x', 'before=2026-13', 'other=1']) {
        const bad = await request(t.app).get(`/api/v1/me/months?${query}`).set('Authorization', bearer(frank.token));
        expect([bad.status, (bad.body as { error?: { code?: string } }).error?.code]).toEqual([400, 'validation-failed']);
      }
      expect((await request(t.app).get('/api/v1/me/months')).status).toBe(401);
    });
  });

  describe('privacy and CSRF', () => {
    it("shows each account only its own data, whatever the other's ids", async () => {
      const owner = await signUpWeb(t);
      const thing = await registerThing(owner, 'Secret garden');
      const gina = await signUpWeb(t);
      const hank = await signUpWeb(t);
      await credit(gina.id, doge('42'));
      await postForm(gina.agent, `/t/${thing}`, `/t/${thing}/subscribe`);
      await postForm(gina.agent, `/t/${thing}`, `/t/${thing}/flattr`);

      const ginaPage = await donorPage(gina);
      expect(ginaPage).toContain('<span id="balance">42\u00a0DOGE</span>');
      expect(ginaPage).toContain('Secret garden');

      const hankPage = await donorPage(hank);
      expect(hank.depositAddress).not.toBe(gina.depositAddress);
      expect(hankPage).toContain(`<code id="deposit-address">${hank.depositAddress}</code>`);
      expect(hankPage).not.toContain(gina.depositAddress);
      expect(hankPage).not.toContain(gina.handle);
      expect(hankPage).toContain('<span id="balance">0\u00a0DOGE</span>');
      expect(hankPage).not.toContain('Secret garden');

      // Hank cannot end Gina's subscription by naming it: answered like an unknown id.
      const subscription = await SubscriptionModel.findOne({ donorId: new Types.ObjectId(gina.id) }).lean();
      const res = await postForm(hank.agent, '/donor', `/donor/subscriptions/${subscription?._id.toHexString()}/delete`);
      expect(res.status).toBe(404);
      expect(await SubscriptionModel.exists({ _id: subscription?._id })).not.toBeNull();
      // Nor does ?accountId= or any other parameter change whose page it is.
      expect(await donorPage(hank, `?accountId=${gina.id}&id=${gina.id}`)).not.toContain(gina.depositAddress);
    });

    it('refuses a POST without the CSRF token, or with the token of another session (403)', async () => {
      const ivy = await signUpWeb(t);
      const missing = await ivy.agent.post('/donor/budget').type('form').send({ monthlyBudget: '7' });
      expect(missing.status).toBe(403);
      expect(missing.text).toContain('This form has expired or did not come from kibble.');

      const jack = await signUpWeb(t);
      const jacksToken = csrfOf((await jack.agent.get('/donor')).text);
      await ivy.agent.get('/donor');
      const foreign = await ivy.agent.post('/donor/budget').type('form').send({ monthlyBudget: '7', _csrf: jacksToken });
      expect(foreign.status).toBe(403);
      expect((await AccountModel.findById(ivy.id).lean())?.monthlyBudget ?? -1n).toBe(0n);
    });

    it('sends a signed-out POST to the sign-in page', async () => {
      const agent = request.agent(t.app);
      const form = await agent.get('/signin');
      const res = await agent.post('/donor/budget').type('form').send({ monthlyBudget: '7', _csrf: csrfOf(form.text) });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/signin?next=%2Fdonor');
    });
  });
});

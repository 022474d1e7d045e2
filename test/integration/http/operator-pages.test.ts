import request from 'supertest';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { operatorSessionKeyOf, sessionKeyOf } from '../../../src/config/derived-secrets';
import { flattr } from '../../../src/services/clicks/clicks';
import { SessionRevocations } from '../../../src/services/accounts/session-revocations';
import { SESSION_TOKEN_CHARS } from '../../../src/services/accounts/session-token';
import { accountIdForToken, isOperatorSession } from '../../../src/services/accounts/sessions';
import { createTestApp, TEST_OPERATOR_TOKEN, TEST_PASSWORD, uniqueHandle } from '../../support/http';
import { doge } from '../../support/money';
import { useSettlementWorld } from '../../support/settlement-world';
import { csrfOf, postForm, type Agent } from '../../support/web';

describe('operator pages', () => {
  const world = useSettlementWorld(); // calls useTestDatabase() itself
  const t = createTestApp();

  beforeAll(() => {
    t.clock.set('2026-06-15T00:00:00Z'); // April and May have ended; June is the current month
    t.deps.settlement = world.service({ clock: t.clock });
  });

  async function monthWithClicks(period: string, day = 5): Promise<void> {
    const donor = await world.donor(doge(4));
    await world.fund(donor, doge(10));
    const [year, month] = period.split('-').map(Number) as [number, number];
    for (let i = 0; i < 2; i++) await flattr(donor.id, await world.thing(await world.creator()), new Date(Date.UTC(year, month - 1, day + i)));
  }

  async function signedInOperator(): Promise<Agent> {
    const agent = request.agent(t.app);
    const res = await postForm(agent, '/operator/signin', '/operator/signin', { token: TEST_OPERATOR_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/operator');
    return agent;
  }

  it('sends anyone not signed in as operator to the operator sign-in', async () => {
    for (const path of ['/operator', '/operator/settlements/2026-04', '/operator/settlements/2026-04/confirm?action=execute', '/operator/settlements?period=2026-04']) {
      const res = await request(t.app).get(path);
      expect({ path, status: res.status, location: res.headers.location }).toEqual({ path, status: 303, location: '/operator/signin' });
    }
    const agent = request.agent(t.app);
    const posted = await postForm(agent, '/operator/signin', '/operator/settlements/2026-04/execute', { confirm: 'yes' });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/operator/signin');
    expect(await SettlementModel.countDocuments()).toBe(0);
  });

  it('refuses a wrong token with 401 and the error next to the field', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/operator/signin');
    expect(form.text).toMatch(/<form id="operator-signin" method="post" action="\/operator\/signin"/);
    expect(form.text).toMatch(/<label for="field-token">Operator token<\/label>/);
    expect(form.text).toMatch(/<input id="field-token" name="token" type="password"/);
    const res = await agent.post('/operator/signin').type('form').send({ _csrf: csrfOf(form.text), token: 'not-the-operator-token-0000000000000000' });
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/<input id="field-token" name="token" type="password"[^>]*aria-describedby="field-token-error" aria-invalid="true">/);
    expect(res.text).toMatch(/<p class="error" id="field-token-error" role="alert">This is not the operator token.<\/p>/);
    expect(res.headers['set-cookie']?.toString() ?? '').not.toMatch(/kibble_operator=/);
    expect((await agent.get('/operator')).headers.location).toBe('/operator/signin');
  });

  it('signs the operator in with a strict, HttpOnly cookie and shows the dashboard', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/operator/signin');
    const res = await agent.post('/operator/signin').type('form').send({ _csrf: csrfOf(form.text), token: TEST_OPERATOR_TOKEN });
    expect(res.status).toBe(303);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('kibble_operator='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toContain(TEST_OPERATOR_TOKEN);

    const page = await agent.get('/operator');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<span id="wallet-balance">[0-9.,]+\u00a0DOGE<\/span>/);
    expect(page.text).toMatch(/<span id="uncredited-deposits">[0-9.,]+\u00a0DOGE<\/span>/);
    expect(page.text).toMatch(/<span id="scanner-height">\d+<\/span>/);
    expect(page.text).toContain('<span id="node-tip">1000</span>');
    expect(page.text).toMatch(/<table id="periods">/);
    expect(page.text).toContain('<form id="open-period" method="get" action="/operator/settlements"');
    expect(page.text).toContain('href="/operator/settlements/2026-06"');
    expect((await agent.get('/operator/signin')).headers.location).toBe('/operator');

    t.setChainTip(new Error('node down'));
    try {
      expect((await agent.get('/operator')).text).toContain('<span id="node-tip">unknown</span>');
    } finally {
      t.setChainTip(1000);
    }
  });

  it('does not let a donor session in', async () => {
    const agent = request.agent(t.app);
    const signedUp = await postForm(agent, '/signup', '/signup', { handle: uniqueHandle('d'), password: TEST_PASSWORD });
    expect(signedUp.status).toBe(303);
    const res = await agent.get('/operator');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/operator/signin');
  });

  it('opens a month from the form, and explains a malformed one next to the field', async () => {
    const agent = await signedInOperator();
    const ok = await agent.get('/operator/settlements?period=2026-04');
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/operator/settlements/2026-04');
    const bad = await agent.get('/operator/settlements?period=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="field-period-error" role="alert">Enter a month as YYYY-MM/);
    expect(bad.text).toContain('value="2026-13"');
    expect((await agent.get('/operator/settlements/April')).status).toBe(400);
  });

  it('shows a month with clicks: the dry-run plan, the actions, the confirmation, and runs it', async () => {
    await monthWithClicks('2026-04');
    const agent = await signedInOperator();

    const dashboard = await agent.get('/operator');
    expect(dashboard.text).toMatch(/<a href="\/operator\/settlements\/2026-04">2026-04<\/a><\/th><td>not started \(due\)<\/td>/);

    const page = await agent.get('/operator/settlements/2026-04');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<span id="settlement-state">open</span>');
    expect(page.text).toContain('Plan (dry run: nothing is stored)');
    expect(page.text).toMatch(/<table id="plan-donors">/);
    expect(page.text).toMatch(/<table id="plan-creators">/);
    expect(page.text).toMatch(/<table id="plan-transactions">/);
    // Accounts by handle, the id on hover; no bare 24-digit ids.
    expect(page.text).toMatch(/<table id="plan-donors">.*<th scope="row"><span class="handle" title="account [0-9a-f]{24}">[^<]+<\/span><\/th>/s);
    expect(page.text).toMatch(/<table id="plan-creators">.*<th scope="row"><span class="handle" title="account [0-9a-f]{24}">[^<]+<\/span><\/th>/s);
    expect(page.text).not.toMatch(/<code>[0-9a-f]{24}<\/code>/);
    expect(page.text).toContain('<span id="settlement-state">open</span>: <span id="settlement-state-words">clicks still count in this month</span>');
    expect(page.text).toMatch(/<dt>Charged in all<\/dt><dd>4\u00a0DOGE<\/dd>/);
    expect(page.text.match(/<td class="num">1\.8\u00a0DOGE<\/td><td class="num">0\u00a0DOGE<\/td><td><span class="outcome" data-outcome="paid">paid<\/span><\/td>/g)).toHaveLength(2);
    expect(page.text).toContain('<a id="action-execute" class="button" href="/operator/settlements/2026-04/confirm?action=execute">Execute…</a>');
    expect(page.text).not.toContain('id="action-rebroadcast"');
    expect(page.text).not.toContain('id="action-execute-close-now"');
    expect(page.text).toContain('<a id="refresh" href="/operator/settlements/2026-04">Refresh</a>');
    expect(page.text).not.toContain('id="transactions"');
    expect(await SettlementModel.countDocuments()).toBe(0); // a dry run stores nothing

    const current = await agent.get('/operator/settlements/2026-06');
    expect(current.text).toContain('id="action-execute-close-now" class="button" href="/operator/settlements/2026-06/confirm?action=execute-close-now"');
    expect(current.text).not.toContain('id="action-execute"');

    const confirm = await agent.get('/operator/settlements/2026-04/confirm?action=execute');
    expect(confirm.status).toBe(200);
    expect(confirm.text).toMatch(
      /<p id="confirm-question">Close 2026-04, plan, sign and broadcast 1 transaction paying 3\.6\u00a0DOGE to 2 creators and 0\.3\d*\u00a0DOGE of service fee to the fee address \(network fee 0\.\d+\u00a0DOGE\)\. This cannot be undone\.<\/p>/,
    );
    expect(confirm.text).toMatch(/<form id="confirm-form" method="post" action="\/operator\/settlements\/2026-04\/execute" data-confirm="Close 2026-04, plan, sign and broadcast 1 transaction/);
    expect(confirm.text).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(confirm.text).toContain('<button type="submit">Yes, execute</button>');
    expect(confirm.text).toContain('<a id="confirm-cancel" href="/operator/settlements/2026-04">Cancel</a>');
    expect((await agent.get('/operator/settlements/2026-04/confirm?action=rebroadcast')).status).toBe(409);
    expect((await agent.get('/operator/settlements/2026-04/confirm?action=execute-close-now')).status).toBe(409);
    expect((await agent.get('/operator/settlements/2026-04/confirm?action=drop-tables')).status).toBe(400);

    const unconfirmed = await agent.post('/operator/settlements/2026-04/execute').type('form').send({ _csrf: csrfOf(confirm.text) });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toMatch(/Nothing was done/);
    const forged = await agent.post('/operator/settlements/2026-04/execute').type('form').send({ confirm: 'yes' });
    expect(forged.status).toBe(403);
    expect(await SettlementModel.countDocuments()).toBe(0);

    const executed = await agent.post('/operator/settlements/2026-04/execute').type('form').send({ _csrf: csrfOf(confirm.text), confirm: 'yes' });
    expect(executed.status).toBe(303);
    expect(executed.headers.location).toBe('/operator/settlements/2026-04');
    const stored = await SettlementModel.findById('2026-04').lean<Settlement>();
    expect(stored?.state).toBe('broadcast');
    const txid = stored?.transactions[0]?.txid ?? '';
    expect(txid).toMatch(/^[0-9a-f]{64}$/);

    const after = await agent.get(executed.headers.location as string);
    expect(after.status).toBe(200);
    expect(after.text).toMatch(/<p class="notice ok" role="status">Execute: done\. 2026-04 is now broadcast\.<\/p>/);
    expect(after.text).toContain('<span id="settlement-state">broadcast</span>');
    expect(after.text).toContain('The stored plan');
    expect(after.text).toMatch(new RegExp(`<table id="transactions">.*<code>${txid}</code></th><td><span class="tx-state" data-txid="${txid}" title="sent, waiting for confirmations">broadcast</span></td>`, 's'));
    expect(after.text).toContain('id="action-rebroadcast"');
    // The notice is said once: a reload shows the state, not "is now broadcast" again.
    const reloaded = await agent.get('/operator/settlements/2026-04');
    expect(reloaded.text).not.toContain('Execute: done');
    expect(reloaded.text).toContain('<span id="settlement-state">broadcast</span>');

    // The page's JSON twin, which kibble.js polls; operators only.
    const live = await agent.get('/operator/settlements/2026-04/status');
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toMatch(/^application\/json/);
    expect(live.body).toEqual({
      period: '2026-04',
      state: 'broadcast',
      stateName: 'broadcast',
      stateWords: 'sent, waiting for confirmations',
      lastError: null,
      transactions: [{ txid, state: 'broadcast', stateName: 'broadcast', stateWords: 'sent, waiting for confirmations', confirmations: 0, blockHeight: null }],
    });
    expect((await request(t.app).get('/operator/settlements/2026-04/status')).status).toBe(401);

    const rebroadcastConfirm = await agent.get('/operator/settlements/2026-04/confirm?action=rebroadcast');
    expect(rebroadcastConfirm.text).toContain('Send the 1 stored signed transaction of 2026-04 to the node again');
    const again = await agent.post('/operator/settlements/2026-04/rebroadcast').type('form').send({ _csrf: csrfOf(rebroadcastConfirm.text), confirm: 'yes' });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/operator/settlements/2026-04');
    expect((await agent.get('/operator/settlements/2026-04')).text).toContain('The stored transactions of 2026-04 were sent again');
    expect((await SettlementModel.findById('2026-04').lean<Settlement>())?.transactions.map((tx) => tx.txid)).toEqual([txid]);
  });

  it('shows a refused action as an error notice on the settlement page (409), not a crash', async () => {
    const agent = await signedInOperator();
    const res = await postForm(agent, '/operator/settlements/2026-05', '/operator/settlements/2026-05/rebroadcast', { confirm: 'yes' });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/<p class="notice error" role="alert">Rebroadcast stopped: 2026-05 has no signed transactions waiting to confirm \(state: open\)<\/p>/);
    expect(res.text).toContain('<span id="settlement-state">open</span>');
  });

  it('signs the operator out', async () => {
    const agent = await signedInOperator();
    const res = await postForm(agent, '/operator', '/operator/signout', {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/operator/signin');
    expect((await agent.get('/operator')).headers.location).toBe('/operator/signin');
  });

  it('ends the operator session on sign-out: a copy of the old cookie no longer opens the dashboard, here or on another instance', async () => {
    const agent = request.agent(t.app);
    const signIn = await postForm(agent, '/operator/signin', '/operator/signin', { token: TEST_OPERATOR_TOKEN });
    const cookie = ([] as string[]).concat(signIn.headers['set-cookie'] ?? []).find((c) => c.startsWith('kibble_operator='));
    const token = /^kibble_operator=([^;]+)/.exec(cookie ?? '')?.[1] ?? '';
    // a signed, per-sign-in session token, not a value derived from OPERATOR_TOKEN alone
    expect(token).toMatch(new RegExp(`^[A-Za-z0-9_-]{${SESSION_TOKEN_CHARS}}$`));
    const second = await postForm(request.agent(t.app), '/operator/signin', '/operator/signin', { token: TEST_OPERATOR_TOKEN });
    expect(second.headers['set-cookie']?.toString()).not.toContain(token);

    const replay = () => request(t.app).get('/operator').set('Cookie', `kibble_operator=${token}`);
    expect((await replay()).status).toBe(200);
    expect((await postForm(agent, '/operator', '/operator/signout', {})).status).toBe(303);
    const after = await replay();
    expect({ status: after.status, location: after.headers.location }).toEqual({ status: 303, location: '/operator/signin' });

    // Another instance: its own, freshly loaded view of the revocations in the database.
    const otherInstance = new SessionRevocations({ refreshMs: 1000, overlapMs: 60_000 });
    expect(await isOperatorSession(operatorSessionKeyOf(t.deps.config), token, t.clock(), otherInstance)).toBe(false);
    // an operator token is no donor session, and a donor's key does not read it
    expect(await accountIdForToken(sessionKeyOf(t.deps.config), token, t.clock(), otherInstance)).toBeUndefined();
  });
  it('speaks French to an operator whose browser asks for it: the words, <html lang="fr">, amounts as Intl writes them', async () => {
    // May, not settled: a donor whose 1,234.5 DOGE budget shows the locale's grouping and decimal sign
    // (funded with 10: charged 10, fee 1, two shares of 4.5).
    const donor = await world.donor(doge('1234.5'));
    await world.fund(donor, doge(10));
    for (let i = 0; i < 2; i++) await flattr(donor.id, await world.thing(await world.creator()), new Date(Date.UTC(2026, 4, 10 + i)));
    const agent = await signedInOperator();
    const french = (path: string) => agent.get(path).set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.5');

    const dashboard = await french('/operator');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('<html lang="fr">');
    expect(dashboard.text).toContain('<h2 id="wallet-heading">Portefeuille et scanner</h2>');
    expect(dashboard.text).toMatch(/<span id="wallet-balance">[0-9\u202f]+(,[0-9]+)?\u00a0DOGE<\/span>/);
    expect(dashboard.text).toMatch(/<a href="\/operator\/settlements\/2026-05">2026-05<\/a><\/th><td>pas commencé \(à régler\)<\/td>/);
    expect(dashboard.text).toContain('<caption>Chaque règlement et chaque mois passé en attente de règlement, du plus récent au plus ancien</caption>');

    const may = await french('/operator/settlements/2026-05');
    expect(may.status).toBe(200);
    expect(may.text).toContain('<span id="settlement-state">ouvert</span>: <span id="settlement-state-words">les clics comptent encore dans ce mois</span>');
    expect(may.text).toContain('<h2 id="plan-heading">Plan (simulation : rien n&#39;est enregistré)</h2>');
    expect(may.text).toContain('<dt>Prélevé au total</dt><dd>10\u00a0DOGE</dd>');
    expect(may.text).toMatch(/<table id="plan-donors">.*<td class="num">2<\/td><td class="num">1\u202f234,5\u00a0DOGE<\/td><td class="num">10\u00a0DOGE<\/td><td class="num">10\u00a0DOGE<\/td><td class="num">1\u00a0DOGE<\/td>/s);
    expect(may.text.match(/<td class="num">4,5\u00a0DOGE<\/td><td class="num">0\u00a0DOGE<\/td><td><span class="outcome" data-outcome="paid">payé<\/span><\/td>/g)).toHaveLength(2);
    expect(may.text).toContain('<a id="action-execute" class="button" href="/operator/settlements/2026-05/confirm?action=execute">Exécuter…</a>');
    expect(may.text).toContain('data-now="Désormais {state} ({time})."');

    const confirm = await french('/operator/settlements/2026-05/confirm?action=execute');
    expect(confirm.status).toBe(200);
    expect(confirm.text).toMatch(
      /<p id="confirm-question">Clore 2026-05, planifier, signer et diffuser : 1 transaction payant \d+(,\d+)?\u00a0DOGE à \d+ créateurs et \d+(,\d+)?\u00a0DOGE de frais de service à l&#39;adresse des frais \(frais de réseau 0,\d+\u00a0DOGE\)\. Cela ne peut pas être annulé\.<\/p>/,
    );
    expect(confirm.text).toContain('<button type="submit">Oui, exécuter</button>');

    const april = await french('/operator/settlements/2026-04');
    expect(april.text).toMatch(/<span id="settlement-state">(diffusé|confirmé)<\/span>/);
    expect(april.text).toContain('<h2 id="plan-heading">Le plan enregistré</h2>');
    const live = await french('/operator/settlements/2026-04/status');
    expect(live.body).toMatchObject({ state: 'broadcast', stateName: 'diffusé', stateWords: 'envoyé, en attente de confirmations' }); // nothing follows the batch here

    // The same pages in English for a browser that asks for nothing in particular.
    const english = await agent.get('/operator/settlements/2026-05');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toMatch(/<table id="plan-donors">.*<td class="num">2<\/td><td class="num">1,234\.5\u00a0DOGE<\/td><td class="num">10\u00a0DOGE<\/td>/s);
    expect(english.text).toContain('<span id="settlement-state">open</span>: <span id="settlement-state-words">clicks still count in this month</span>');
  });
});

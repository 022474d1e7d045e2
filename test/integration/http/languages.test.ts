import request from 'supertest';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError } from '../../support/http';
import { postForm, signUpWeb } from '../../support/web';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function languageCookie(res: request.Response): string | undefined {
  const cookies: unknown = res.headers['set-cookie'];
  return Array.isArray(cookies) ? cookies.map(String).find((cookie) => cookie.startsWith('lang=')) : undefined;
}

describe('French and English (issue 17 item 3)', () => {
  useTestDatabase();
  const t = createTestApp();

  it('answers a page in French for Accept-Language: fr, in English otherwise', async () => {
    const french = await request(t.app).get('/signin').set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.5');
    expect(french.status).toBe(200);
    expect(french.text).toContain('<html lang="fr">');
    expect(french.text).toContain('>Créer un compte</a>');
    expect(french.headers.vary).toMatch(/Accept-Language/);
    const english = await request(t.app).get('/signin').set('Accept-Language', 'de, en;q=0.5');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('>Sign up</a>');
  });

  it('switches with ?lang=, remembers the choice in a cookie, and links every language from the page', async () => {
    const agent = request.agent(t.app);
    const switched = await agent.get('/signin?next=%2Fdonor&lang=fr').set('Accept-Language', 'en');
    expect(switched.text).toContain('<html lang="fr">');
    expect(languageCookie(switched)).toMatch(/^lang=fr; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    // The switcher keeps the page and its other parameters.
    expect(switched.text).toContain('<a href="/signin?next=%2Fdonor&amp;lang=en" lang="en" hreflang="en">English</a>');
    expect(switched.text).toContain('<a href="/signin?next=%2Fdonor&amp;lang=fr" lang="fr" hreflang="fr" aria-current="true">Français</a>');
    const remembered = await agent.get('/signup').set('Accept-Language', 'en');
    expect(remembered.text).toContain('<html lang="fr">');
    expect(languageCookie(remembered)).toBeUndefined();
    const back = await agent.get('/signup?lang=en');
    expect(back.text).toContain('<html lang="en">');
    expect((await agent.get('/signup').set('Accept-Language', 'fr')).text).toContain('<html lang="en">');
  });

  it('ignores an unknown ?lang= and sets no cookie for it', async () => {
    const res = await request(t.app).get('/signin?lang=xx').set('Accept-Language', 'fr');
    expect(res.text).toContain('<html lang="fr">');
    expect(languageCookie(res)).toBeUndefined();
  });

  it('answers API errors in French by Accept-Language, with the same code', async () => {
    const english = await request(t.app).post('/api/v1/sessions').send({ handle: 'nobody-here', password: 'wrong password!' });
    const french = await request(t.app).post('/api/v1/sessions').set('Accept-Language', 'fr').send({ handle: 'nobody-here', password: 'wrong password!' });
    expectError(english, 401, 'unauthorized');
    expectError(french, 401, 'unauthorized');
    expect((french.body as { error: { message: string } }).error.message).toBe("Connectez-vous d'abord.");
    expect((english.body as { error: { message: string } }).error.message).not.toBe("Connectez-vous d'abord.");
    const notFound = await request(t.app).get('/api/v1/no-such-route').set('Accept-Language', 'fr;q=0.9, en;q=0.1');
    expectError(notFound, 404, 'not-found');
    expect((notFound.body as { error: { message: string } }).error.message).toBe('Introuvable.');
    // The API answers by Accept-Language only: the page's cookie does not change it.
    const withCookie = await request(t.app).get('/api/v1/no-such-route').set('Cookie', 'lang=fr');
    expect((withCookie.body as { error: { message: string } }).error.message).toMatch(/^no route for GET/);
  });

  it('keeps the API strict about amounts, in French too: same code and details, a French message', async () => {
    const user = await signUpWeb(t);
    const comma = await request(t.app).put('/api/v1/me/budget').set('Authorization', bearer(user.token)).set('Accept-Language', 'fr').send({ monthlyBudget: '10,5' });
    expect(expectError(comma, 400, 'amount-invalid').message).toMatch(/^Ce n'est pas un montant/);
    const precise = await request(t.app).put('/api/v1/me/budget').set('Authorization', bearer(user.token)).set('Accept-Language', 'fr').send({ monthlyBudget: '0.000000001' });
    const error = expectError(precise, 400, 'amount-too-precise');
    expect(error).toEqual({ code: 'amount-too-precise', message: 'Trop de décimales : au plus 8 sont permises.', details: { maxDecimals: 8 } });
  });

  it('takes "10,5" in the French budget form, shows amounts the French way, and refuses digit groups in French', async () => {
    const user = await signUpWeb(t);
    expect((await user.agent.get('/donor?lang=fr')).text).toContain('<h2 id="budget-heading">Budget mensuel</h2>');
    const saved = await postForm(user.agent, '/donor', '/donor/budget', { monthlyBudget: '10,5' });
    expect(saved.status).toBe(303);
    const page = (await user.agent.get(String(saved.headers.location))).text;
    expect(page).toContain('Votre budget mensuel est enregistré.');
    expect(page).toContain('<strong id="monthly-budget">10,5\u00a0DOGE</strong>');
    expect(page).toContain('name="monthlyBudget" type="text" value="10,5" inputmode="decimal"');
    const refused = await postForm(user.agent, '/donor', '/donor/budget', { monthlyBudget: '1 000,5' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('role="alert">Ce n&#39;est pas un montant');
    // The same comma is refused in English, where it is a digit group separator.
    await user.agent.get('/donor?lang=en');
    const english = await postForm(user.agent, '/donor', '/donor/budget', { monthlyBudget: '10,5' });
    expect(english.status).toBe(400);
    expect(english.text).toContain('digit group separators');
  });

  it('speaks French on the thing, creator and error pages', async () => {
    const creator = await signUpWeb(t);
    const created = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url: 'https://example.org/fr', title: 'Un billet' });
    const thingId = (created.body as { id: string }).id;
    const thing = await request(t.app).get(`/t/${thingId}`).set('Accept-Language', 'fr');
    expect(thing.text).toContain('>Se connecter pour flattrer</a>');
    expect(thing.text).toContain('<strong id="flattr-count">0 flattr</strong> en ');
    const page = await creator.agent.get('/creator?lang=fr');
    expect(page.text).toContain('<h1>Créateur</h1>');
    expect(page.text).toContain('<caption>Flattrs et gains par mois</caption>');
    const missing = await request(t.app).get('/no/such/page').set('Accept', BROWSER_ACCEPT).set('Accept-Language', 'fr');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<html lang="fr">');
    expect(missing.text).toContain('<h1>Page introuvable</h1>');
  });
});

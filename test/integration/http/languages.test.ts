import request from 'supertest';
import { useTestDatabase } from '../../support/database';
import { createTestApp, expectError } from '../../support/http';

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
});

// Helpers for tests of the web pages, driving them the way a browser does: a supertest agent keeps
// the session and CSRF cookies, and every form is posted with the CSRF token of a page of the same
// session. In a test file:
//
//   useTestDatabase();
//   const t = createTestApp();
//   it('...', async () => {
//     const alice = await signUpWeb(t);                                   // signed up through /signup
//     const res = await postForm(alice.agent, '/donor', '/donor/budget', { monthlyBudget: '10' });
//     expect(res.status).toBe(303);
//   });
import request, { type Response } from 'supertest';
import { bearer, TEST_PASSWORD, uniqueHandle, type TestApp } from './http';

/** A browser: a supertest agent that keeps its cookies between requests. */
export type Agent = ReturnType<typeof request.agent>;

/** A browser signed up through the sign-up form, plus an API token of the same account. */
export interface WebUser {
  agent: Agent;
  id: string;
  handle: string;
  /** An API token of the account (POST /api/v1/sessions), for setting things up through the API. */
  token: string;
  depositAddress: string;
}

/** The value of the page's hidden `_csrf` input, as layout's csrfInput() writes it; throws if there is none. */
export function csrfOf(page: string): string {
  const match = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(page);
  if (match?.[1] === undefined) throw new Error(`no CSRF field in the page:\n${page}`);
  return match[1];
}

/**
 * Signs up through the web form (GET /signup for the CSRF token, POST /signup, which must answer
 * 303 to /donor), then gets an API token (POST /api/v1/sessions) and the account's id and deposit
 * address (GET /api/v1/me).
 */
export async function signUpWeb(t: TestApp, handle = uniqueHandle('web')): Promise<WebUser> {
  const agent = request.agent(t.app);
  const form = await agent.get('/signup');
  expect(form.status).toBe(200);
  const res = await agent.post('/signup').type('form').send({ handle, password: TEST_PASSWORD, _csrf: csrfOf(form.text) });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/donor');
  const session = await request(t.app).post('/api/v1/sessions').send({ handle, password: TEST_PASSWORD });
  expect(session.status).toBe(200);
  const token = (session.body as { token: string }).token;
  const me = await request(t.app).get('/api/v1/me').set('Authorization', bearer(token));
  expect(me.status).toBe(200);
  const { id, depositAddress } = me.body as { id: string; depositAddress: string };
  return { agent, id, handle, token, depositAddress };
}

/**
 * Submits a form the way a browser does: GETs the page `from` (which must be an HTML page, 200)
 * for its CSRF token, then POSTs `fields` and that token to `action`.
 */
export async function postForm(agent: Agent, from: string, action: string, fields: Record<string, string> = {}): Promise<Response> {
  const page = await agent.get(from);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  return agent.post(action).type('form').send({ ...fields, _csrf: csrfOf(page.text) });
}

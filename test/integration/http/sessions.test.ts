import request from 'supertest';
import { SessionModel } from '../../../src/db/session';
import { DEFAULT_SESSION_TTL_MS } from '../../../src/http/deps';
import { hashToken } from '../../../src/services/accounts/sessions';
import { SESSION_TOKEN_CHARS } from '../../../src/services/accounts/session-token';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_PASSWORD, testConfig, uniqueHandle } from '../../support/http';

describe('sessions', () => {
  useTestDatabase();
  const t = createTestApp();
  const signIn = (body: unknown) => request(t.app).post('/api/v1/sessions').send(body as object);
  const me = (token: string) => request(t.app).get('/api/v1/me').set('Authorization', bearer(token));

  describe('POST /api/v1/sessions', () => {
    it('signs in with handle and password, case-insensitively for the handle', async () => {
      const alice = await t.signUp(uniqueHandle('Alice'));
      for (const handle of [alice.handle, alice.handle.toLowerCase(), alice.handle.toUpperCase()]) {
        const res = await signIn({ handle, password: TEST_PASSWORD });
        expect(res.status).toBe(200);
        const body = res.body as { token: string; expiresAt: string };
        expect(Object.keys(body).sort()).toEqual(['expiresAt', 'token']);
        expect(body.token).toMatch(new RegExp(`^[A-Za-z0-9_-]{${SESSION_TOKEN_CHARS}}$`));
        expect(new Date(body.expiresAt).getTime()).toBe(t.clock().getTime() + DEFAULT_SESSION_TTL_MS);
        expect(((await me(body.token)).body as { id: string }).id).toBe(alice.id);
      }
    });

    it('stores only the SHA-256 of a token', async () => {
      const { token } = await t.signUp();
      const stored = await SessionModel.findOne({ tokenHash: hashToken(token) }).lean();
      expect(stored).not.toBeNull();
      const raw = JSON.stringify(await SessionModel.find({}).lean());
      expect(raw).not.toContain(token);
    });

    it('answers a wrong password and an unknown handle with the same 401', async () => {
      const bob = await t.signUp();
      const wrongPassword = expectError(await signIn({ handle: bob.handle, password: 'not the password' }), 401, 'unauthorized');
      const unknownHandle = expectError(await signIn({ handle: uniqueHandle('ghost'), password: TEST_PASSWORD }), 401, 'unauthorized');
      expect(wrongPassword.message).toBe(unknownHandle.message);
      expect(wrongPassword.message).toBe('wrong handle or password');
    });

    const invalid: Array<[string, unknown, RegExp]> = [
      ['missing password', { handle: 'someone' }, /^body\.password: is required$/],
      ['missing handle', { password: TEST_PASSWORD }, /^body\.handle: is required$/],
      ['unknown field', { handle: 'someone', password: TEST_PASSWORD, remember: true }, /^body: unknown field "remember"$/],
      ['password as a number', { handle: 'someone', password: 1234567890 }, /^body\.password: must be a string, got a number$/],
      ['malformed handle', { handle: 'no spaces please', password: TEST_PASSWORD }, /^body\.handle: /],
      ['$gt injection in handle', { handle: { $gt: '' }, password: TEST_PASSWORD }, /^body\.handle: must be a string, got an object$/],
      ['$ne injection in password', { handle: 'someone', password: { $ne: 'x' } }, /^body\.password: must be a string, got an object$/],
    ];
    it.each(invalid)('%s is 400 validation-failed', async (_name, body, message) => {
      expect(expectError(await signIn(body), 400, 'validation-failed').message).toMatch(message);
    });

    it('is rate limited: 429 in the error format, also for correct passwords after the limit', async () => {
      const limited = createTestApp({ rateLimits: { sessions: { limit: 3, windowMs: 60_000 } } });
      const carol = await limited.signUp();
      for (let i = 0; i < 3; i++) {
        expect((await request(limited.app).post('/api/v1/sessions').send({ handle: carol.handle, password: `guess number ${i}` })).status).toBe(401);
      }
      const res = await request(limited.app).post('/api/v1/sessions').send({ handle: carol.handle, password: TEST_PASSWORD });
      expect(expectError(res, 429, 'rate-limited').message).toMatch(/sessions/);
    });
  });

  describe('tokens on authenticated routes', () => {
    it('no Authorization header is 401', async () => {
      const res = await request(t.app).get('/api/v1/me');
      expect(expectError(res, 401, 'unauthorized').message).toMatch(/Authorization: Bearer/);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="kibble"');
    });

    it.each([
      ['a well-formed token nobody signed', bearer('A'.repeat(SESSION_TOKEN_CHARS))],
      ['a token of the old random 43-character form', bearer('A'.repeat(43))],
      ['a malformed token', bearer('not-a-token')],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['a bare token', 'A'.repeat(43)],
      ['an empty bearer', 'Bearer '],
      ['an injection attempt', bearer('{"$gt":""}')],
    ])('%s is 401', async (_name, header) => {
      expectError(await request(t.app).get('/api/v1/me').set('Authorization', header), 401, 'unauthorized');
    });

    it('an altered token is 401, and so is one signed by a deployment with another OPERATOR_TOKEN', async () => {
      const { token } = await t.signUp();
      const middle = Math.floor(token.length / 2);
      const altered = token.slice(0, middle) + (token[middle] === 'A' ? 'B' : 'A') + token.slice(middle + 1);
      expectError(await me(altered), 401, 'unauthorized');
      const elsewhere = createTestApp({ config: testConfig({ OPERATOR_TOKEN: 'another-deployment-'.padEnd(40, 'x') }) });
      const theirs = await elsewhere.signUp();
      expect((await request(elsewhere.app).get('/api/v1/me').set('Authorization', bearer(theirs.token))).status).toBe(200);
      expectError(await me(theirs.token), 401, 'unauthorized');
      expectError(await request(elsewhere.app).get('/api/v1/me').set('Authorization', bearer(token)), 401, 'unauthorized');
    });

    it('accepts the scheme in any case', async () => {
      const { token } = await t.signUp();
      expect((await request(t.app).get('/api/v1/me').set('Authorization', `bearer ${token}`)).status).toBe(200);
    });

    it('an expired token is 401, checked on read (no TTL index needed)', async () => {
      const clocked = createTestApp({ sessionTtlMs: 60_000 });
      const { token } = await clocked.signUp();
      clocked.clock.advance(59_999);
      expect((await request(clocked.app).get('/api/v1/me').set('Authorization', bearer(token))).status).toBe(200);
      clocked.clock.advance(1);
      expectError(await request(clocked.app).get('/api/v1/me').set('Authorization', bearer(token)), 401, 'unauthorized');
    });

    it('a default session lasts 30 days', async () => {
      const clocked = createTestApp();
      const { token } = await clocked.signUp();
      clocked.clock.advance(DEFAULT_SESSION_TTL_MS - 1000);
      expect((await request(clocked.app).get('/api/v1/me').set('Authorization', bearer(token))).status).toBe(200);
      clocked.clock.advance(1000);
      expectError(await request(clocked.app).get('/api/v1/me').set('Authorization', bearer(token)), 401, 'unauthorized');
    });
  });

  describe('DELETE /api/v1/sessions/current', () => {
    it('revokes only the token it is called with', async () => {
      const dave = await t.signUp();
      const other = ((await signIn({ handle: dave.handle, password: TEST_PASSWORD })).body as { token: string }).token;
      const res = await request(t.app).delete('/api/v1/sessions/current').set('Authorization', bearer(dave.token));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectError(await me(dave.token), 401, 'unauthorized');
      expectError(await request(t.app).delete('/api/v1/sessions/current').set('Authorization', bearer(dave.token)), 401, 'unauthorized');
      expect((await me(other)).status).toBe(200);
      expect(await SessionModel.countDocuments({ tokenHash: hashToken(dave.token) })).toBe(0);
    });

    it('needs a token', async () => {
      expectError(await request(t.app).delete('/api/v1/sessions/current'), 401, 'unauthorized');
    });

    it("one user's sign-out does not touch another's session", async () => {
      const erin = await t.signUp();
      const frank = await t.signUp();
      expect((await request(t.app).delete('/api/v1/sessions/current').set('Authorization', bearer(erin.token))).status).toBe(204);
      expect(((await me(frank.token)).body as { id: string }).id).toBe(frank.id);
    });
  });
});

import request from 'supertest';
import { AccountModel } from '../../../src/db/account';
import { WalletAddressModel } from '../../../src/db/wallet-address';
import { SESSION_TOKEN_CHARS } from '../../../src/services/accounts/session-token';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_PASSWORD, uniqueHandle } from '../../support/http';

describe('POST /api/v1/accounts', () => {
  useTestDatabase();
  const t = createTestApp();
  const create = (body: unknown) => request(t.app).post('/api/v1/accounts').send(body as object);

  it('creates the account, signed in, with its own registered deposit address', async () => {
    const handle = uniqueHandle('Alice');
    const res = await create({ handle, password: TEST_PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown, handle, token: expect.any(String) as unknown });
    const { id, token } = res.body as { id: string; token: string };
    expect(token).toMatch(new RegExp(`^[A-Za-z0-9_-]{${SESSION_TOKEN_CHARS}}$`));

    const account = await AccountModel.findById(id).lean();
    expect(account?.handle).toBe(handle);
    expect(account?.handleKey).toBe(handle.toLowerCase());
    // never the password itself: an scrypt hash that records its parameters
    expect(account?.passwordHash).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    expect(account?.passwordHash).not.toContain(TEST_PASSWORD);
    expect(account?.depositAddress).toBe(t.deps.deriver.depositAddress(account?.depositIndex ?? -1));
    // registered for the deposit scanner before anyone can see it
    const registered = await WalletAddressModel.findById(account?.depositAddress).lean();
    expect(registered).toMatchObject({ kind: 'deposit', index: account?.depositIndex, accountId: id });

    const me = await request(t.app).get('/api/v1/me').set('Authorization', bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id, handle, depositAddress: account?.depositAddress });
  });

  it('gives every account a different deposit address', async () => {
    const accounts = await Promise.all([t.signUp(), t.signUp(), t.signUp(), t.signUp()]);
    const addresses = await AccountModel.find({ _id: { $in: accounts.map((a) => a.id) } }, { depositAddress: 1 }).lean();
    expect(new Set(addresses.map((a) => a.depositAddress)).size).toBe(4);
  });

  it('refuses a taken handle with 409, whatever its case', async () => {
    const handle = uniqueHandle('Bob');
    expect((await create({ handle, password: TEST_PASSWORD })).status).toBe(201);
    expectError(await create({ handle, password: TEST_PASSWORD }), 409, 'handle-taken');
    expectError(await create({ handle: handle.toLowerCase(), password: TEST_PASSWORD }), 409, 'handle-taken');
    expectError(await create({ handle: handle.toUpperCase(), password: 'another password 1' }), 409, 'handle-taken');
    expect(await AccountModel.countDocuments({ handleKey: handle.toLowerCase() })).toBe(1);
  });

  it('lets exactly one of several concurrent sign-ups with one handle win', async () => {
    const handle = uniqueHandle('race');
    const results = await Promise.all(
      [handle, handle.toUpperCase(), handle, handle.toUpperCase(), handle].map((h) => create({ handle: h, password: TEST_PASSWORD })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const res of results.filter((r) => r.status === 409)) expectError(res, 409, 'handle-taken');
    expect(await AccountModel.countDocuments({ handleKey: handle.toLowerCase() })).toBe(1);
  });

  describe('validation', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['missing handle', { password: TEST_PASSWORD }, /^body\.handle: is required$/],
      ['missing password', { handle: 'carol' }, /^body\.password: is required$/],
      ['empty body', {}, /body\.handle: is required; body\.password: is required/],
      ['unknown field', { handle: 'carol', password: TEST_PASSWORD, isAdmin: true }, /^body: unknown field "isAdmin"$/],
      ['handle as a number', { handle: 12345, password: TEST_PASSWORD }, /^body\.handle: must be a string, got a number$/],
      ['password as an array', { handle: 'carol', password: ['a'] }, /^body\.password: must be a string, got an array$/],
      ['handle null', { handle: null, password: TEST_PASSWORD }, /^body\.handle: must be a string, got null$/],
      ['handle too short', { handle: 'ab', password: TEST_PASSWORD }, /^body\.handle: 3 to 32 characters/],
      ['handle too long', { handle: 'a'.repeat(33), password: TEST_PASSWORD }, /^body\.handle: 3 to 32/],
      ['handle with a space', { handle: 'car ol', password: TEST_PASSWORD }, /^body\.handle: /],
      ['handle with a dot', { handle: 'car.ol', password: TEST_PASSWORD }, /^body\.handle: /],
      ['handle with non-ASCII', { handle: 'carölé', password: TEST_PASSWORD }, /^body\.handle: /],
      ['password too short', { handle: 'carol', password: '123456789' }, /^body\.password: at least 10 characters$/],
      ['password too long', { handle: 'carol', password: 'p'.repeat(201) }, /^body\.password: at most 200 characters$/],
    ];
    it.each(cases)('%s is 400 validation-failed naming the field', async (_name, body, message) => {
      const error = expectError(await create(body), 400, 'validation-failed');
      expect(error.message).toMatch(message);
    });

    it('accepts the boundary lengths', async () => {
      expect((await create({ handle: uniqueHandle('x').slice(0, 3), password: 'p'.repeat(10) })).status).toBe(201);
      expect((await create({ handle: `${uniqueHandle('y')}${'_'.repeat(32)}`.slice(0, 32), password: 'p'.repeat(200) })).status).toBe(201);
    });
  });

  describe('injection payloads are 400, and nothing is written', () => {
    const payloads: Array<[string, unknown]> = [
      ['$gt operator', { handle: { $gt: '' }, password: TEST_PASSWORD }],
      ['$ne operator', { handle: 'dave_inj', password: { $ne: null } }],
      ['$regex operator', { handle: { $regex: '.*' }, password: TEST_PASSWORD }],
      ['$where', { handle: 'dave_inj', password: TEST_PASSWORD, $where: 'sleep(1000)' }],
      ['__proto__', JSON.parse(`{"handle":"dave_inj","password":"${TEST_PASSWORD}","__proto__":{"admin":true}}`)],
      ['dotted key', { handle: 'dave_inj', password: TEST_PASSWORD, 'monthlyBudget.$': 1 }],
      ['constructor key', { handle: 'dave_inj', password: TEST_PASSWORD, constructor: { prototype: { admin: true } } }],
    ];
    it.each(payloads)('%s', async (_name, body) => {
      expectError(await create(body), 400, 'validation-failed');
      expect(await AccountModel.countDocuments({ handleKey: 'dave_inj' })).toBe(0);
    });
  });

  it('is rate limited per client: 429 in the error format', async () => {
    const limited = createTestApp({ rateLimits: { 'account-creation': { limit: 2, windowMs: 60_000 } } });
    const send = () => request(limited.app).post('/api/v1/accounts').send({ handle: uniqueHandle(), password: TEST_PASSWORD });
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(201);
    const res = await send();
    expect(expectError(res, 429, 'rate-limited').message).toMatch(/account-creation/);
    expect(res.headers['retry-after']).toBeDefined();
    // other buckets are counted apart
    expect((await request(limited.app).post('/api/v1/sessions').send({ handle: 'nobody', password: 'x' })).status).toBe(401);
  });
});

// E-mail address confirmation, password reset and one-click unsubscribe through the HTTP API,
// with the mails read from the real Mailpit of the test setup.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { mailUnsubscribeKeyOf } from '../../../src/config/derived-secrets';
import { SlotLease } from '../../../src/db/lease';
import { createLogger } from '../../../src/log';
import { queueMail } from '../../../src/services/mail/queue';
import { smtpTransport } from '../../../src/services/mail/transport';
import { deliverDueMails } from '../../../src/services/mail/worker';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_PASSWORD } from '../../support/http';
import { linkIn, testSmtpUrl, uniqueAddress, waitForMails } from '../../support/mailbox';

useTestDatabase();
const t = createTestApp();
const PUBLIC_URL = t.deps.config.publicUrl;

/** One pass of the mail worker, as `kibble serve` runs it. */
async function deliver(): Promise<void> {
  const lease = new SlotLease('mail', 'test-worker', 60_000, t.clock);
  await deliverDueMails({ lease, transport: smtpTransport(testSmtpUrl(), 'kibble@kibble.test'), log: createLogger('silent') });
}

async function confirmedAccount(locale: 'en' | 'fr') {
  const account = await t.signUp();
  const address = uniqueAddress(locale);
  const put = await request(t.app).put('/api/v1/me/email').set('Authorization', bearer(account.token)).send({ address, locale });
  expect(put.status).toBe(202);
  expect(put.body).toEqual({ address, confirmed: false, locale });
  await deliver();
  const [mail] = await waitForMails(address);
  return { account, address, mail: mail!, token: new URL(linkIn(mail!, `${PUBLIC_URL}/email/confirm?token=`)).searchParams.get('token') ?? '' };
}

describe('e-mail address confirmation', () => {
  it('mails a link in the account language; the link confirms once', async () => {
    const fr = await confirmedAccount('fr');
    expect(fr.mail.subject).toBe('Confirmez votre adresse électronique pour kibble');
    expect(fr.mail.text).toContain(`Bonjour ${fr.account.handle},`);
    expect(fr.mail.headers['List-Unsubscribe']).toBeUndefined();
    const en = await confirmedAccount('en');
    expect(en.mail.subject).toBe('Confirm your e-mail address for kibble');

    const confirm = await request(t.app).post('/api/v1/email/confirm').send({ token: fr.token });
    expect(confirm.body).toEqual({ address: fr.address, confirmed: true });
    const me = await request(t.app).get('/api/v1/me/email').set('Authorization', bearer(fr.account.token));
    expect(me.body).toEqual({ address: fr.address, confirmed: true, locale: 'fr' });
    expectError(await request(t.app).post('/api/v1/email/confirm').send({ token: fr.token }), 400, 'token-invalid');
    expectError(await request(t.app).post('/api/v1/email/confirm').send({ token: 'A'.repeat(43) }), 400, 'token-invalid');
  });
});

describe('password reset by mail', () => {
  it('answers the same for an unknown address; the link works once and signs every session out', async () => {
    const { account, address, token } = await confirmedAccount('en');
    await request(t.app).post('/api/v1/email/confirm').send({ token }).expect(200);

    const known = await request(t.app).post('/api/v1/password-reset').send({ address: address.toUpperCase() });
    const unknown = await request(t.app).post('/api/v1/password-reset').send({ address: uniqueAddress('nobody') });
    expect([known.status, known.text]).toEqual([unknown.status, unknown.text]);
    expect(known.status).toBe(202);
    await deliver();
    const [, reset] = await waitForMails(address, 2);
    expect(reset?.subject).toBe('Reset your kibble password');
    const resetToken = new URL(linkIn(reset!, `${PUBLIC_URL}/password/reset?token=`)).searchParams.get('token') ?? '';

    const newPassword = 'a brand new password 42';
    await request(t.app).post('/api/v1/password-reset/confirm').send({ token: resetToken, password: newPassword }).expect(204);
    expectError(await request(t.app).get('/api/v1/me').set('Authorization', bearer(account.token)), 401, 'unauthorized');
    expectError(await request(t.app).post('/api/v1/password-reset/confirm').send({ token: resetToken, password: 'yet another password' }), 400, 'token-invalid');
    expectError(await request(t.app).post('/api/v1/sessions').send({ handle: account.handle, password: TEST_PASSWORD }), 401, 'unauthorized');
    expect((await request(t.app).post('/api/v1/sessions').send({ handle: account.handle, password: newPassword })).status).toBe(200);

    // A link used after its 30 minutes is refused.
    await request(t.app).post('/api/v1/password-reset').send({ address }).expect(202);
    await deliver();
    const late = (await waitForMails(address, 3))[2];
    t.clock.advance(31 * 60_000);
    const lateToken = new URL(linkIn(late!, `${PUBLIC_URL}/password/reset?token=`)).searchParams.get('token') ?? '';
    expectError(await request(t.app).post('/api/v1/password-reset/confirm').send({ token: lateToken, password: 'too late for this one' }), 400, 'token-invalid');
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it('a POST to the List-Unsubscribe URL turns the kind off; the next mail of that kind is not sent', async () => {
    const { account, address, token } = await confirmedAccount('en');
    await request(t.app).post('/api/v1/email/confirm').send({ token }).expect(200);
    const deps = { publicUrl: PUBLIC_URL, unsubscribeKey: mailUnsubscribeKeyOf(t.deps.config), clock: t.clock };
    const payout = (note: string) => ({ id: `test:${randomBytes(4).toString('hex')}`, to: { accountId: account.id }, kind: 'payout-sent', template: 'test', data: { note } }) as const;
    expect(await queueMail(payout('first'), deps)).toBe('queued');
    await deliver();
    const [, first] = await waitForMails(address, 2);
    const url = new URL(/^<(.+)>$/.exec(first?.headers['List-Unsubscribe']?.[0] ?? '')?.[1] ?? '');

    const page = await request(t.app).get(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('payout sent');
    const oneClick = await request(t.app).post(`${url.pathname}${url.search}`).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.body).toEqual({ kind: 'payout-sent', wanted: false });
    const preferences = await request(t.app).get('/api/v1/me/mail-preferences').set('Authorization', bearer(account.token));
    expect(preferences.body).toMatchObject({ 'payout-sent': false, 'payout-confirmed': true });
    expect(await queueMail(payout('second'), deps)).toBe('skipped-kind-off');
    expectError(await request(t.app).post(`${url.pathname}?token=${url.searchParams.get('token')?.slice(0, -2)}xx`), 400, 'token-invalid');
  });
});

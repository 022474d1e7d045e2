// The e-mail pages in a browser's shoes (cookies, CSRF): the address form in French, the
// confirmation page that asks before it acts, the preferences form, and the reset pages.
import { SlotLease } from '../../../src/db/lease';
import { createLogger } from '../../../src/log';
import { smtpTransport } from '../../../src/services/mail/transport';
import { deliverDueMails } from '../../../src/services/mail/worker';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp } from '../../support/http';
import { linkIn, testSmtpUrl, uniqueAddress, waitForMails } from '../../support/mailbox';
import { postForm, signUpWeb } from '../../support/web';
import request from 'supertest';

useTestDatabase();
const t = createTestApp();

async function deliver(): Promise<void> {
  const lease = new SlotLease('mail', 'pages-worker', 60_000, t.clock);
  await deliverDueMails({ lease, transport: smtpTransport(testSmtpUrl(), 'kibble@kibble.test'), log: createLogger('silent') });
}

describe('the e-mail pages', () => {
  it('take an address in French, confirm it from the mailed link after asking, and save preferences', async () => {
    const user = await signUpWeb(t);
    const address = uniqueAddress('pages');
    const page = await user.agent.get('/account/mail?lang=fr');
    expect(page.text).toContain('<h1>Courriel</h1>');
    expect(page.text).toContain('kibble ne vous écrit pas.');

    const saved = await postForm(user.agent, '/account/mail', '/account/mail/address', { address });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain(`Un lien de confirmation part vers ${address}`);
    await deliver();
    const [mail] = await waitForMails(address);
    expect(mail?.subject).toBe('Confirmez votre adresse électronique pour kibble');
    const link = new URL(linkIn(mail!, `${t.deps.config.publicUrl}/email/confirm?token=`));

    const asking = await user.agent.get(`${link.pathname}${link.search}`);
    expect(asking.text).toContain('Confirmer mon adresse');
    const before = await request(t.app).get('/api/v1/me/email').set('Authorization', bearer(user.token));
    expect(before.body.confirmed).toBe(false); // opening the link changed nothing
    const done = await postForm(user.agent, `${link.pathname}${link.search}`, '/email/confirm', { token: link.searchParams.get('token') ?? '' });
    expect(done.text).toContain(`${address} est confirmée.`);

    const kinds = await postForm(user.agent, '/account/mail', '/account/mail/preferences', { 'kind-payout-sent': 'on' });
    expect(kinds.text).toContain('Vos choix sont enregistrés.');
    const preferences = await request(t.app).get('/api/v1/me/mail-preferences').set('Authorization', bearer(user.token));
    expect(preferences.body).toMatchObject({ 'payout-sent': true, 'deposit-credited': false, 'operator-alert': false });

    const forgot = await postForm(user.agent, '/password/forgot', '/password/forgot', { address });
    expect(forgot.text).toContain('Si un compte a cette adresse confirmée, un lien est en route.');
    await deliver();
    const reset = (await waitForMails(address, 2))[1];
    const resetLink = new URL(linkIn(reset!, `${t.deps.config.publicUrl}/password/reset?token=`));
    const form = await user.agent.get(`${resetLink.pathname}${resetLink.search}`);
    expect(form.text).toContain('Nouveau mot de passe');
    const set = await postForm(user.agent, `${resetLink.pathname}${resetLink.search}`, '/password/reset', { token: resetLink.searchParams.get('token') ?? '', password: 'new password from the page' });
    expect(set.text).toContain('Votre nouveau mot de passe est enregistré');
    const again = await postForm(user.agent, `${resetLink.pathname}${resetLink.search}`, '/password/reset', { token: resetLink.searchParams.get('token') ?? '', password: 'and once more, no' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('est pas valable');
  });

  it('/dev/mail is not there without the embedded mail catcher', async () => {
    expect((await request(t.app).get('/dev/mail').set('Accept', 'text/html')).status).toBe(404);
  });
});

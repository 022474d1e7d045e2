import request from 'supertest';
import { WebhookEndpointModel } from '../../../src/db/webhook-endpoint';
import { disableEndpoint } from '../../../src/services/webhooks/endpoint-store';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_OPERATOR_TOKEN } from '../../support/http';
import { postForm, signUpWeb } from '../../support/web';

describe('the webhook endpoints API (/api/v1/me/webhooks, /api/v1/admin/webhooks)', () => {
  useTestDatabase();
  const t = createTestApp();

  it("registers an account's endpoint with its secret shown once, lists it without the secret, shows its log, removes it", async () => {
    const alice = await t.signUp();
    const created = await request(t.app)
      .post('/api/v1/me/webhooks')
      .set('Authorization', bearer(alice.token))
      .send({ url: 'https://hooks.example.org/kibble', kinds: ['payout.sent', 'payout.confirmed'] });
    expect(created.status).toBe(201);
    const body = created.body as { endpoint: { id: string }; secret: string };
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(body.endpoint).toMatchObject({ url: 'https://hooks.example.org/kibble', kinds: ['payout.sent', 'payout.confirmed'], disabledAt: null });

    const listed = await request(t.app).get('/api/v1/me/webhooks').set('Authorization', bearer(alice.token));
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(body.secret);
    expect((listed.body as { endpoints: unknown[] }).endpoints).toHaveLength(1);

    const log = await request(t.app).get(`/api/v1/me/webhooks/${body.endpoint.id}/deliveries`).set('Authorization', bearer(alice.token));
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ deliveries: [] });

    // another account sees none of it, and cannot remove it
    const bob = await t.signUp();
    expectError(await request(t.app).get(`/api/v1/me/webhooks/${body.endpoint.id}/deliveries`).set('Authorization', bearer(bob.token)), 404, 'not-found');
    expectError(await request(t.app).delete(`/api/v1/me/webhooks/${body.endpoint.id}`).set('Authorization', bearer(bob.token)), 404, 'not-found');
    expect((await request(t.app).delete(`/api/v1/me/webhooks/${body.endpoint.id}`).set('Authorization', bearer(alice.token))).status).toBe(204);
  });

  it('refuses bad input with a 400 and the one error format', async () => {
    const alice = await t.signUp();
    const post = (payload: object) => request(t.app).post('/api/v1/me/webhooks').set('Authorization', bearer(alice.token)).send(payload);
    expectError(await post({ url: 'ftp://example.org/', kinds: ['payout.sent'] }), 400, 'validation-failed');
    expectError(await post({ url: 'https://example.org/', kinds: ['payout.lost'] }), 400, 'validation-failed');
    expectError(await post({ url: 'https://example.org/', kinds: [] }), 400, 'validation-failed');
    expectError(await post({ url: 'https://user:pw@example.org/', kinds: ['payout.sent'] }), 400, 'validation-failed');
    expectError(await request(t.app).post('/api/v1/me/webhooks').send({ url: 'https://example.org/', kinds: ['payout.sent'] }), 401, 'unauthorized');
  });

  it("keeps the operator's endpoints under the operator token", async () => {
    const created = await request(t.app)
      .post('/api/v1/admin/webhooks')
      .set('Authorization', bearer(TEST_OPERATOR_TOKEN))
      .send({ url: 'https://ops.example.org/kibble', kinds: ['settlement.changed'] });
    expect(created.status).toBe(201);
    const listed = await request(t.app).get('/api/v1/admin/webhooks').set('Authorization', bearer(TEST_OPERATOR_TOKEN));
    expect((listed.body as { endpoints: Array<{ url: string }> }).endpoints.map((row) => row.url)).toEqual(['https://ops.example.org/kibble']);
    const alice = await t.signUp();
    // a signed-in account is not the operator
    expectError(await request(t.app).get('/api/v1/admin/webhooks').set('Authorization', bearer(alice.token)), 403, 'forbidden');
  });

  it('the /webhooks page adds an endpoint (secret shown once), lists it, shows its log and removes it, in English and French', async () => {
    const user = await signUpWeb(t);
    const added = await postForm(user.agent, '/webhooks', '/webhooks', { url: 'https://hooks.example.org/page', 'kind:payout.sent': 'on', 'kind:settlement.changed': 'on' });
    expect(added.status).toBe(201);
    const secret = /id="webhook-secret" class="mono" readonly value="(whsec_[^"]+)"/.exec(added.text)?.[1];
    expect(secret).toBeDefined();
    const page = await user.agent.get('/webhooks');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<caption>Your webhook endpoints</caption>');
    expect(page.text).toContain('https://hooks.example.org/page');
    expect(page.text).not.toContain(secret ?? 'no secret');
    const french = await user.agent.get('/webhooks?lang=fr');
    expect(french.text).toContain('<html lang="fr">');
    expect(french.text).toContain('<caption>Vos adresses de webhooks</caption>');
    const [id] = ((await request(t.app).get('/api/v1/me/webhooks').set('Authorization', bearer(user.token))).body as { endpoints: Array<{ id: string }> }).endpoints.map((row) => row.id);
    const log = await user.agent.get(`/webhooks/${id ?? ''}`);
    expect(log.status).toBe(200);
    expect(log.text).toContain('<h1>Journal des envois</h1>'); // the language chosen above is remembered
    const bad = await postForm(user.agent, '/webhooks', '/webhooks', { url: 'ftp://example.org/' });
    expect(bad.status).toBe(400);
    const removed = await postForm(user.agent, '/webhooks', `/webhooks/${id ?? ''}/remove`);
    expect(removed.status).toBe(303);
    expect((await user.agent.get('/webhooks?lang=en')).text).toContain('You have no webhook endpoints yet.');
  });

  it("says why an endpoint was disabled in the page's language, from a stored code, and still reads a sentence stored before codes", async () => {
    const user = await signUpWeb(t);
    const add = (url: string) => request(t.app).post('/api/v1/me/webhooks').set('Authorization', bearer(user.token)).send({ url, kinds: ['payout.sent'] });
    const coded = ((await add('https://hooks.example.org/coded')).body as { endpoint: { id: string } }).endpoint.id;
    const legacy = ((await add('https://hooks.example.org/legacy')).body as { endpoint: { id: string } }).endpoint.id;
    const failingSince = new Date('2026-11-02T10:00:00Z');
    const disabledAt = new Date('2026-11-05T10:00:00Z');
    await WebhookEndpointModel.updateMany({ _id: { $in: [coded, legacy] } }, { $set: { failingSince } });
    expect(await disableEndpoint(coded, { reason: 'no-delivery', lastError: 'http-500' }, disabledAt)).toBe(true);
    // What the delivery worker stored before reasons were codes.
    await WebhookEndpointModel.updateOne({ _id: legacy }, { $set: { disabledAt, disabledReason: `no successful delivery since ${failingSince.toISOString()} (3 days or more); last error: timeout` } });

    const french = await user.agent.get('/webhooks?lang=fr');
    expect(french.text).toContain('Désactivée le 5 nov. 2026, 10:00 UTC : aucun envoi réussi depuis le 2 nov. 2026, 10:00 UTC ; dernière erreur : http-500');
    expect(french.text).toContain('Désactivée le 5 nov. 2026, 10:00 UTC : aucun envoi réussi depuis le 2 nov. 2026, 10:00 UTC ; dernière erreur : timeout');
    const english = await user.agent.get('/webhooks?lang=en');
    expect(english.text).toContain('Disabled on Nov 5, 2026, 10:00 AM UTC: no successful delivery since Nov 2, 2026, 10:00 AM UTC; last error: http-500');

    const listed = await request(t.app).get('/api/v1/me/webhooks').set('Authorization', bearer(user.token));
    const why = (listed.body as { endpoints: Array<{ disabledReason: string | null; disabledLastError: string | null }> }).endpoints.map((row) => [row.disabledReason, row.disabledLastError]);
    expect(why).toEqual([['no-delivery', 'http-500'], ['no-delivery', 'timeout']]);
  });
});

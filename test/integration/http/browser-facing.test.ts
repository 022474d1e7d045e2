import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError } from '../../support/http';
import { postForm, signUpWeb } from '../../support/web';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('what browsers see: error pages, a fresh button, the creator page layout (issue 17 item 7)', () => {
  useTestDatabase();
  const t = createTestApp();

  describe('an unknown URL', () => {
    it('is a 404 page in the layout for a browser', async () => {
      const res = await request(t.app).get('/no/such/page?secret=1').set('Accept', BROWSER_ACCEPT);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toMatch(/^<!doctype html>/);
      expect(res.text).toContain('<h1>Not found</h1>');
      expect(res.text).toContain('<p class="notice error" role="alert">There is no page at this address.</p>');
      expect(res.text).toContain('<link rel="stylesheet" href="/static/kibble.css">');
      expect(res.text).not.toContain('secret');
    });

    it('is the JSON error for an API client, curl (*/*) and any path under /api/', async () => {
      expectError(await request(t.app).get('/no/such/page'), 404, 'not-found');
      expectError(await request(t.app).get('/no/such/page').set('Accept', '*/*'), 404, 'not-found');
      expectError(await request(t.app).get('/no/such/page').set('Accept', 'application/json'), 404, 'not-found');
      // A browser opening an API URL gets what the API says, in the API's format.
      expectError(await request(t.app).get('/api/v1/no-such-route').set('Accept', BROWSER_ACCEPT), 404, 'not-found');
    });

    it('a form posted to an unknown path is a page for a browser; a bad API path stays JSON even for a browser', async () => {
      const page = await request(t.app).post('/no/such/form').set('Accept', BROWSER_ACCEPT).type('form').send({ a: '1' });
      expect(page.status).toBe(404);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      const json = await request(t.app).get('/api/v1/things/%zz').set('Accept', BROWSER_ACCEPT);
      expectError(json, 400, 'validation-failed');
    });
  });

  describe('the button image after a flattr', () => {
    it('is linked under a URL that changes with the count, so the donor never gets the cached old one', async () => {
      const creator = await signUpWeb(t);
      const donor = await signUpWeb(t);
      const created = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url: 'https://example.org/fresh', title: 'Fresh' });
      const thingId = (created.body as { id: string }).id;
      const before = await donor.agent.get(`/t/${thingId}`);
      expect(before.text).toContain(`src="/t/${thingId}/button.svg?n=0"`);
      const flattred = await postForm(donor.agent, `/t/${thingId}`, `/t/${thingId}/flattr`);
      expect(flattred.status).toBe(303);
      const after = await donor.agent.get(String(flattred.headers.location));
      expect(after.text).toContain(`src="/t/${thingId}/button.svg?n=1"`);
      const svg = await request(t.app).get(`/t/${thingId}/button.svg?n=1`);
      expect(svg.status).toBe(200);
      expect(Buffer.from(svg.body as Buffer).toString('utf8')).toContain('>1</text>');
      // The key is only a key: anything else in the query is still refused.
      expectError(await request(t.app).get(`/t/${thingId}/button.svg?n=abc`), 400, 'validation-failed');
    });
  });

  describe('the creator page', () => {
    const css = readFileSync(join(__dirname, '../../../src/http/pages/static/kibble.css'), 'utf8');

    it('lists things without list bullets', async () => {
      const creator = await signUpWeb(t);
      await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url: 'https://example.org/a', title: 'A' });
      const page = await creator.agent.get('/creator');
      expect(page.text).toContain('<ul class="cards" role="list">');
      expect(css).toMatch(/ul\.cards \{ list-style: none; margin: 0; padding: 0; \}/);
    });

    it('keeps the chart at its own size (12 px text) and scrolls it sideways on a narrow screen', async () => {
      const creator = await signUpWeb(t);
      const page = await creator.agent.get('/creator');
      expect(page.text).toMatch(/<div class="chart-wrap" role="region" aria-label="[^"]+" tabindex="0"><svg id="chart"/);
      expect(css).toMatch(/\.chart-wrap \{ overflow-x: auto; \}/);
      expect(css).toMatch(/\.chart \{ max-width: none; \}/);
      expect(page.text).toMatch(/<svg id="chart"[^>]* viewBox="0 0 (\d+) (\d+)" width="\1" height="\2"/);
    });
  });
});

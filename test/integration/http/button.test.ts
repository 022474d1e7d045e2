import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import request, { type Response } from 'supertest';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_START, type SignedUp } from '../../support/http';

interface ThingBody {
  id: string;
  url: string;
  title: string;
}

const HOSTILE_TITLE = `<script>alert("x")</script> & 'quotes'`;
const ESCAPED_TITLE = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;';

/** superagent hands image/* bodies over as a Buffer, text/* as `text`. */
function bodyText(res: Response): string {
  const body: unknown = res.body;
  return Buffer.isBuffer(body) ? body.toString('utf8') : res.text;
}

describe('public button: the page GET /t/:thingId and the SVG /t/:thingId/button.svg', () => {
  useTestDatabase();
  const t = createTestApp();
  let creator: SignedUp;

  beforeAll(async () => {
    creator = await t.signUp();
  });
  beforeEach(() => t.clock.set(TEST_START));

  const registerThing = async (title = 'A post about dogs'): Promise<ThingBody> => {
    const url = `https://blog.example.org/${randomBytes(6).toString('hex')}?a=1&b=2`;
    const res = await request(t.app).post('/api/v1/things').set('Authorization', bearer(creator.token)).send({ url, title });
    expect(res.status).toBe(201);
    return res.body as ThingBody;
  };
  const flattr = async (donor: SignedUp, thingId: string): Promise<void> => {
    const res = await request(t.app).post(`/api/v1/things/${thingId}/flattr`).set('Authorization', bearer(donor.token));
    expect(res.status).toBe(201);
  };
  /** The thing's web page (src/http/pages/thing-pages.ts), as a visitor who is not signed in. */
  const getPage = async (thingId: string): Promise<string> => {
    const res = await request(t.app).get(`/t/${thingId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    return bodyText(res);
  };
  const getSvg = async (thingId: string): Promise<string> => {
    const res = await request(t.app).get(`/t/${thingId}/button.svg`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml(;|$)/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    // Embedded on the creator's site: another origin must be allowed to load it.
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    return bodyText(res);
  };

  describe('a thing nobody flattred yet', () => {
    it('has a page with its title, its link and 0 flattrs', async () => {
      const thing = await registerThing();
      const page = await getPage(thing.id);
      expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(page).toContain('<title>A post about dogs · kibble</title>');
      expect(page).toContain('<h1>A post about dogs</h1>');
      // & in the query string is escaped in the attribute and in the text
      const escapedUrl = thing.url.replace(/&/g, '&amp;');
      expect(page).toContain(`<a id="thing-url" href="${escapedUrl}" rel="nofollow ugc noopener">${escapedUrl}</a>`);
      expect(page).toContain('<strong id="flattr-count">0 flattrs</strong> in 2026-03');
      expect(page).toContain(`<img id="button-preview" src="/t/${thing.id}/button.svg?n=0"`);
    });

    it('asks a visitor to sign in to flattr, with no form', async () => {
      const thing = await registerThing();
      const page = await getPage(thing.id);
      expect(page).toContain(`<a id="flattr-signin" class="button" href="/signin?next=/t/${thing.id}">Sign in to flattr</a>`);
      expect(page).not.toContain('id="flattr-form"');
    });

    it('has a button "flattr | 0"', async () => {
      const thing = await registerThing();
      const svg = await getSvg(thing.id);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*role="img" aria-label="flattr: 0 flattrs in 2026-03">/);
      expect(svg).toContain('>flattr</text>');
      expect(svg).toContain('>0</text>');
      expect(svg).toContain('<title>Flattr “A post about dogs” with kibble: 0 flattrs in 2026-03</title>');
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    });
  });

  describe('a thing two donors flattred this period', () => {
    let thing: ThingBody;
    beforeAll(async () => {
      thing = await registerThing('Two flattrs');
      const [alice, bob, carol] = [await t.signUp(), await t.signUp(), await t.signUp()];
      // Carol's flattr is from February: it is not one of this period's.
      t.clock.set('2026-02-20T08:00:00.000Z');
      await flattr(carol, thing.id);
      t.clock.set(TEST_START);
      await flattr(alice, thing.id);
      await flattr(bob, thing.id);
    });

    it('shows 2 flattrs on the page', async () => {
      expect(await getPage(thing.id)).toContain('<strong id="flattr-count">2 flattrs</strong> in 2026-03');
    });

    it('shows 2 on the button', async () => {
      const svg = await getSvg(thing.id);
      expect(svg).toContain('>2</text>');
      expect(svg).toContain('aria-label="flattr: 2 flattrs in 2026-03"');
    });

    it('counts the period of the clock: 1 in February, 0 in April', async () => {
      t.clock.set('2026-02-28T23:59:59.999Z');
      expect(await getSvg(thing.id)).toContain('aria-label="flattr: 1 flattr in 2026-02"');
      t.clock.set('2026-04-01T00:00:00.000Z');
      expect(await getPage(thing.id)).toContain('<strong id="flattr-count">0 flattrs</strong> in 2026-04');
    });
  });

  it('escapes a hostile title in the page and in the SVG', async () => {
    const thing = await registerThing(HOSTILE_TITLE);
    expect(thing.title).toBe(HOSTILE_TITLE);
    const page = await getPage(thing.id);
    const svg = await getSvg(thing.id);
    for (const markup of [page, svg]) {
      // The page's one script is kibble's own file.
      expect(markup).not.toMatch(/<script(?! src="\/static\/kibble\.js")/);
      expect(markup).not.toContain(`'quotes'`);
      expect(markup).toContain(ESCAPED_TITLE);
    }
    expect(page).toContain(`<h1>${ESCAPED_TITLE}</h1>`);
    expect(svg).toContain(`<title>Flattr “${ESCAPED_TITLE}” with kibble: 0 flattrs in 2026-03</title>`);
  });

  /** The page answers errors as a page, the SVG (an API route) in the JSON error format. */
  const expectNotFoundPage = (res: Response): void => {
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<h1>Not found</h1>');
  };

  it('answers 404 for an unknown thing: a page for the page, JSON for the SVG', async () => {
    const unknown = new Types.ObjectId().toHexString();
    expectNotFoundPage(await request(t.app).get(`/t/${unknown}`));
    const res = await request(t.app).get(`/t/${unknown}/button.svg`);
    expectError(res, 404, 'not-found');
    expect(res.headers['cache-control']).toBeUndefined();
  });

  it.each(['nope', 'A'.repeat(24), '0'.repeat(23), `${'0'.repeat(24)}0`, '%7B%22%24gt%22%3A%22%22%7D'])(
    'answers the malformed id %s with 404 (page) and 400 validation-failed (SVG)',
    async (id) => {
      // A malformed id names nothing, like an unknown one (objectIdOf).
      expectNotFoundPage(await request(t.app).get(`/t/${id}`));
      expectError(await request(t.app).get(`/t/${id}/button.svg`), 400, 'validation-failed');
    },
  );

  it('takes no query parameters', async () => {
    const thing = await registerThing();
    expectError(await request(t.app).get(`/t/${thing.id}/button.svg?style=flat`), 400, 'validation-failed');
  });

  it('has the SVG in the OpenAPI document with its content types; the page is not part of the API', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    type Operation = { security: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> };
    const paths = (res.body as { paths: Record<string, Record<string, Operation> | undefined> }).paths;
    expect(paths['/t/{thingId}']).toBeUndefined();
    const svg = paths['/t/{thingId}/button.svg']?.get;
    expect(svg?.security).toEqual([]);
    expect(Object.keys(svg?.responses['200']?.content ?? {})).toEqual(['image/svg+xml']);
    expect(Object.keys(svg?.responses['404']?.content ?? {})).toEqual(['application/json']);
  });
});

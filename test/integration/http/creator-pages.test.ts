import { SettlementModel } from '../../../src/db/settlement';
import { randomBytes } from 'node:crypto';
import request, { type Response } from 'supertest';
import { p2pkhAddress } from '../../../src/chain/address';
import { AccountModel } from '../../../src/db/account';
import { CUSTODY_ACCOUNT, creatorAccount, donorAccount } from '../../../src/money/ledger';
import { flattr } from '../../../src/services/clicks/clicks';
import { recordJournal } from '../../../src/services/ledger/ledger-store';
import { CREATOR_PAYOUT_KIND } from '../../../src/services/stats';
import { useTestDatabase } from '../../support/database';
import { createTestApp, TEST_CHAIN, TEST_FEE_ADDRESS, TEST_START, uniqueHandle } from '../../support/http';
import { doge } from '../../support/money';
import { postForm, signUpWeb, type WebUser } from '../../support/web';

/** What a browser shows of text the page escaped once. */
function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_match, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? '');
}

/** The text content of the element with this id (no nested markup). */
function textOf(page: string, id: string): string | undefined {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page);
  return match?.[1];
}

/** The field's input and the error paragraph right after it, as layout.field() writes them. */
function fieldWithError(page: string, name: string): { input: string; error: string } | undefined {
  const match = new RegExp(`(<input id="field-${name}"[^>]*>)\\s*<p class="error" id="field-${name}-error" role="alert">([^<]*)</p>`).exec(page);
  return match === null ? undefined : { input: match[1] ?? '', error: unescapeHtml(match[2] ?? '') };
}

describe('creator pages: GET /creator, POST /creator/things, POST /creator/payout-address', () => {
  useTestDatabase();
  const t = createTestApp();
  const publicUrl = t.deps.config.publicUrl;

  beforeEach(() => t.clock.set(TEST_START));

  async function creatorPage(user: WebUser, path = '/creator'): Promise<Response> {
    const res = await user.agent.get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    return res;
  }

  async function addThing(user: WebUser, title = 'A post about dogs'): Promise<{ id: string; url: string; title: string }> {
    const url = `https://blog.example.org/${randomBytes(6).toString('hex')}`;
    const res = await postForm(user.agent, '/creator', '/creator/things', { url, title });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/creator?saved=thing');
    const page = await creatorPage(user);
    const ids = [...page.text.matchAll(/<h3><a href="\/t\/([0-9a-f]{24})">/g)].map((match) => match[1] ?? '');
    return { id: ids[ids.length - 1] ?? '', url, title };
  }

  it('sends a signed-out visitor to sign in first, coming back to /creator', async () => {
    const res = await request(t.app).get('/creator');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fcreator');
  });

  it('shows a new creator an accessible page: headings, labelled forms, zeros, an empty chart and table', async () => {
    const user = await signUpWeb(t, uniqueHandle('c'));
    const res = await creatorPage(user);
    const page = res.text;
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page).toContain('<h1>Creator</h1>');
    for (const heading of ['Your things', 'Add a thing', 'Payout address', 'Your numbers']) expect(page).toMatch(new RegExp(`<h2 id="[a-z-]+">${heading}</h2>`));
    expect(page).toContain('You have no things yet');
    // Forms with labels tied to their inputs, posting to kibble with the CSRF token.
    expect(page).toMatch(/<form id="thing-form" method="post" action="\/creator\/things"[^>]*><input type="hidden" name="_csrf" value="[^"]+">/);
    expect(page).toMatch(/<form id="payout-form" method="post" action="\/creator\/payout-address"[^>]*><input type="hidden" name="_csrf" value="[^"]+">/);
    for (const name of ['url', 'title', 'address']) {
      expect(page).toContain(`<label for="field-${name}">`);
      expect(page).toContain(`<input id="field-${name}" name="${name}"`);
    }
    expect(page).toContain('You have no payout address yet');
    // The numbers, all zero.
    expect(textOf(page, 'flattrs-this-month')).toBe('0');
    expect(textOf(page, 'flattrs-all-time')).toBe('0');
    expect(textOf(page, 'supporters')).toBe('0');
    expect(textOf(page, 'earned')).toBe('0');
    expect(textOf(page, 'owed')).toBe('0');
    expect(page).toMatch(/<svg id="chart" class="chart" role="img" aria-labelledby="chart-title"/);
    expect(page).toContain('<title id="chart-title">');
    expect(page).toContain('No flattrs or earnings yet');
    expect(page).toContain('<table id="per-month">');
    expect(page).toContain(`<th scope="col">Month</th><th scope="col" class="num">Flattrs</th><th scope="col" class="num">Earned (${TEST_CHAIN.ticker})</th>`);
    // No inline script or style: the one script and stylesheet only.
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain('<script src="/static/kibble.js" defer></script>');
    expect(page).not.toMatch(/<style|style=|onclick=|javascript:/i);
  });

  it('adds a thing through the form: listed with its link, button preview and embed snippet', async () => {
    const user = await signUpWeb(t, uniqueHandle('c'));
    const title = 'Dogs & <cats> "quoted"';
    const thing = await addThing(user, title);
    expect(thing.id).toMatch(/^[0-9a-f]{24}$/);

    const page = (await creatorPage(user, '/creator?saved=thing')).text;
    expect(page).toMatch(/<p class="notice ok" role="status">Your thing is added/);
    const item = /<li class="thing card">([\s\S]*?)<\/li>/.exec(page)?.[1] ?? '';
    const escapedTitle = 'Dogs &amp; &lt;cats&gt; &quot;quoted&quot;';
    expect(item).toContain(`<h3><a href="/t/${thing.id}">${escapedTitle}</a></h3>`);
    expect(item).toContain(`<a href="${thing.url}" rel="nofollow noopener noreferrer">${thing.url}</a>`);
    expect(item).toContain(`<img src="/t/${thing.id}/button.svg" alt="kibble button for ${escapedTitle}">`);
    expect(item).toContain(`<label for="embed-${thing.id}">`);
    expect(item).toContain(`<button type="button" data-copy="embed-${thing.id}" data-copied="Copied">Copy</button>`);
    // The textarea holds the snippet as text: what the browser shows is HTML to paste, whose
    // own title is escaped for its attribute.
    const textarea = new RegExp(`<textarea id="embed-${thing.id}" readonly rows="3">([^<]*)</textarea>`).exec(item)?.[1];
    expect(textarea).toBeDefined();
    expect(unescapeHtml(textarea ?? '')).toBe(
      `<a href="${publicUrl}/t/${thing.id}"><img src="${publicUrl}/t/${thing.id}/button.svg" alt="Flattr ${escapedTitle} with kibble"></a>`,
    );
    expect(page).not.toContain('<cats>');

    // The button the preview points at exists.
    const button = await request(t.app).get(`/t/${thing.id}/button.svg`);
    expect(button.status).toBe(200);
  });

  it('shows form errors next to the right field, keeping what was typed', async () => {
    const user = await signUpWeb(t, uniqueHandle('c'));
    const thing = await addThing(user);

    const duplicate = await postForm(user.agent, '/creator', '/creator/things', { url: thing.url, title: 'Again' });
    expect(duplicate.status).toBe(409);
    const urlError = fieldWithError(duplicate.text, 'url');
    expect(urlError?.error).toContain('already registered');
    expect(urlError?.input).toContain('aria-describedby="field-url-error" aria-invalid="true"');
    expect(urlError?.input).toContain(`value="${thing.url}"`);
    expect(duplicate.text).toMatch(/<input id="field-title" name="title" type="text" value="Again"/);
    expect(fieldWithError(duplicate.text, 'title')).toBeUndefined();

    const badUrl = await postForm(user.agent, '/creator', '/creator/things', { url: 'ftp://example.org/file', title: 'A file' });
    expect(badUrl.status).toBe(400);
    expect(fieldWithError(badUrl.text, 'url')?.error).toContain('only http and https');

    const noTitle = await postForm(user.agent, '/creator', '/creator/things', { url: 'https://example.org/untitled', title: '   ' });
    expect(noTitle.status).toBe(400);
    expect(fieldWithError(noTitle.text, 'title')?.error).toContain('a title must have 1 to 200 characters');
    expect(fieldWithError(noTitle.text, 'url')).toBeUndefined();

    // Nothing of that was saved: still the one thing.
    expect((await creatorPage(user)).text.match(/<li class="thing card">/g)).toHaveLength(1);
  });

  it('refuses a bad payout address with the reason next to the field, and saves a valid one', async () => {
    const user = await signUpWeb(t, uniqueHandle('c'));
    const valid = p2pkhAddress(TEST_CHAIN, randomBytes(20));
    const typo = `${valid.slice(0, -1)}${valid.endsWith('1') ? '2' : '1'}`;

    const bad = await postForm(user.agent, '/creator', '/creator/payout-address', { address: typo });
    expect(bad.status).toBe(400);
    const badField = fieldWithError(bad.text, 'address');
    expect(badField?.error).toMatch(/checksum does not match|bad-checksum/);
    expect(badField?.input).toContain(`value="${typo}"`);

    const own = await postForm(user.agent, '/creator', '/creator/payout-address', { address: TEST_FEE_ADDRESS });
    expect(own.status).toBe(400);
    expect(fieldWithError(own.text, 'address')?.error).toContain("service's own addresses");

    const empty = await postForm(user.agent, '/creator', '/creator/payout-address', { address: '' });
    expect(empty.status).toBe(400);
    expect(fieldWithError(empty.text, 'address')?.error).toContain('empty');

    const saved = await postForm(user.agent, '/creator', '/creator/payout-address', { address: valid });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/creator?saved=payout');
    const page = (await creatorPage(user, '/creator?saved=payout')).text;
    expect(page).toMatch(/<p class="notice ok" role="status">Your payout address is saved/);
    expect(textOf(page, 'current-payout-address')).toBe(valid);
    expect(page).toMatch(new RegExp(`<input id="field-address" name="address" type="text" value="${valid}"`));
    expect(fieldWithError(page, 'address')).toBeUndefined();
    expect((await AccountModel.findById(user.id).lean())?.payoutAddress).toBe(valid);
  });

  it('shows the numbers after flattrs and a settlement: this month, all time, supporters, earned, owed, per month', async () => {
    const user = await signUpWeb(t, uniqueHandle('c'));
    const thing = await addThing(user);
    const [donor, other] = [await t.signUp(), await t.signUp()];
    // February: one flattr, settled for 3, of which 2 paid out (1 stays owed).
    await flattr(donor.id, thing.id, new Date('2026-02-10T10:00:00Z'));
    await recordJournal(
      { id: `test-settlement:2026-02:${user.id}`, kind: 'settlement', period: '2026-02', lines: [{ account: donorAccount(donor.id), amount: -doge(3) }, { account: creatorAccount(user.id), amount: doge(3) }] },
      TEST_START,
    );
    await recordJournal(
      { id: `test-payout:2026-02:${user.id}`, kind: CREATOR_PAYOUT_KIND, period: '2026-02', lines: [{ account: creatorAccount(user.id), amount: -doge(2) }, { account: CUSTODY_ACCOUNT, amount: doge(2) }] },
      TEST_START,
    );
    await SettlementModel.create({ _id: '2026-02', period: '2026-02', state: 'confirmed', commitment: { root: 'ab'.repeat(32), txid: 'cd'.repeat(32), vout: 0 }, createdAt: TEST_START, updatedAt: TEST_START });
    // March (this month): two donors.
    await flattr(donor.id, thing.id, t.clock());
    await flattr(other.id, thing.id, t.clock());

    const page = (await creatorPage(user)).text;
    expect(textOf(page, 'flattrs-this-month')).toBe('2');
    expect(textOf(page, 'flattrs-all-time')).toBe('3');
    expect(textOf(page, 'supporters')).toBe('2');
    expect(textOf(page, 'earned')).toBe('2');
    expect(textOf(page, 'owed')).toBe('1');
    expect(page).toMatch(new RegExp(`<span id="earned">2</span> ${TEST_CHAIN.ticker}`));
    // February is settled and its allocation root is on chain: its statement and proof are linked; March has neither yet.
    expect(page).toContain('<tr><th scope="row">2026-02</th><td class="num">1</td><td class="num">2</td><td><a class="statement-link" href="/me/statements/2026-02">Statement</a></td><td><a class="proof-link" href="/proofs/2026-02" download="kibble-proof-2026-02.json" aria-label="Download proof of your 2026-02 allocations (JSON, check it with kibble verify-proof)">Download proof</a></td></tr>');
    expect(page).toContain('<tr><th scope="row">2026-03</th><td class="num">2</td><td class="num">0</td><td></td><td>no proof yet</td></tr>');
    const chart = /<svg id="chart"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(chart).toContain('>2026-02</text>');
    expect(chart).toContain('>2026-03</text>');
    expect(chart).toContain('<title>2026-03: 2 flattrs</title>');
    expect(chart).toContain(`<title>2026-02: 2\u00a0${TEST_CHAIN.ticker} earned</title>`);
  });

  it('refuses a form posted without the CSRF token (403) and saves nothing', async () => {
    const user = await signUpWeb(t, uniqueHandle('c'));
    await creatorPage(user);
    const thing = await user.agent.post('/creator/things').type('form').send({ url: 'https://example.org/no-csrf', title: 'No token' });
    expect(thing.status).toBe(403);
    const payout = await user.agent.post('/creator/payout-address').type('form').send({ address: p2pkhAddress(TEST_CHAIN, randomBytes(20)) });
    expect(payout.status).toBe(403);
    const page = (await creatorPage(user)).text;
    expect(page).toContain('You have no things yet');
    expect(page).toContain('You have no payout address yet');
  });
});

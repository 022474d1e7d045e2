// Every page kibble serves, in English and in French, checked by axe-core (WCAG 2.x A and AA and
// Deque's best practices: no violation of any impact) at desktop (1280x800) and phone (375x812)
// sizes, and photographed at both into artifacts/screenshots/<lang>/<page>-<desktop|phone>.png
// (issue 17, "What it must show"). One settled month, built once in beforeAll through the API and
// the real regtest chain, gives the pages real tables: a confirmed settlement with a creator paid
// and one without a payout address, a subscription, a flattr and a pending deposit in the next
// month. Any console error, CSP report or server error fails the page too.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { nextPeriod, periodOf, previousPeriod } from '../../src/money/period';
import { TEST_OPERATOR_TOKEN, TEST_PASSWORD } from '../support/http';
import { doge } from '../support/money';
import { MIN_CONFIRMATIONS, randomAddress, useSettlementWorld } from '../support/settlement-world';
import { axeSource, axeViolations, describeViolations } from './support/axe';
import { SCREENSHOT_DIR, useBrowser, type BrowserSession } from './support/browser';
import { languageContextOptions, languageCookie, LANGS, pagesSpeak, type Lang } from './support/languages';
import { useE2eServer } from './support/server';

/** artifacts/screenshots/<lang>/<page>-<size>.png */
const SHOTS_DIR = join(SCREENSHOT_DIR, '..', 'screenshots');
/**
 * The commonest English words, none of them French: a French page showing one still has English
 * in it (the data shown, handles, titles and addresses, is chosen not to contain them).
 */
const ENGLISH_WORDS = /\b(?:the|and|your|you|this|with|is|are|of|to|yet|not)\b/gi;
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 812 } } as const;

type Who = 'visitor' | 'donor' | 'creator' | 'operator';

interface PageUnderTest {
  /** The file name's stem and the test's name. */
  name: string;
  who: Who;
  /** Where it is, once the month is built. */
  path: () => string;
  /** The status it answers with (200 unless said). */
  status?: number;
  /** A form submitted on the page first (its answer is the page checked). */
  submit?: { form: string; fields: Record<string, string> };
}

describe('every page in both languages: axe-core finds nothing, at desktop and phone sizes', () => {
  const world = useSettlementWorld();
  const server = useE2eServer(world);
  const browser = useBrowser(() => server.url, join(SCREENSHOT_DIR, '..', 'e2e-accessibility'));

  const suffix = randomBytes(4).toString('hex');
  const handles = { donor: `a11y_donor_${suffix}`, creator: `a11y_creator_${suffix}`, unpaid: `a11y_unpaid_${suffix}` };
  let period = '';
  let next = '';
  let thingId = '';

  beforeAll(async () => {
    rmSync(SHOTS_DIR, { recursive: true, force: true });
    for (const lang of LANGS) mkdirSync(join(SHOTS_DIR, lang), { recursive: true });

    // The month, built as users and the operator would through the API: a funded donor with a
    // budget flattrs a creator's thing and subscribes to another creator's (no payout address:
    // unclaimed), the operator closes and executes the month, and it confirms.
    const api = apiOf(server.url);
    const donor = await api.signUp(handles.donor);
    const creator = await api.signUp(handles.creator);
    const unpaid = await api.signUp(handles.unpaid);
    await world.faucet.pay([{ address: donor.depositAddress, amount: doge(50) }]);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    await api.call('PUT', '/api/v1/me/budget', donor.token, { monthlyBudget: '10' });
    await api.call('PUT', '/api/v1/me/payout-address', creator.token, { address: randomAddress() });
    thingId = (await api.call<{ id: string }>('POST', '/api/v1/things', creator.token, { url: `https://example.org/a11y/${suffix}`, title: `A post worth reading ${suffix}` })).id;
    const unpaidThing = (await api.call<{ id: string }>('POST', '/api/v1/things', unpaid.token, { url: `https://example.org/a11y/unpaid/${suffix}`, title: `A song ${suffix}` })).id;
    await api.call('POST', `/api/v1/things/${thingId}/flattr`, donor.token, {});
    await api.call('POST', '/api/v1/subscriptions', donor.token, { thingId: unpaidThing });

    period = periodOf(new Date());
    next = nextPeriod(period);
    await api.call('POST', `/api/v1/admin/settlements/${period}/execute?closeNow=true`, TEST_OPERATOR_TOKEN, undefined);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [followed] = await world.service().followConfirmations();
    expect(followed?.state).toBe('confirmed');

    // The next month has begun: a flattr in it, and a deposit still on its way (1 of 2 confirmations).
    await api.call('POST', `/api/v1/things/${thingId}/flattr`, donor.token, {});
    await world.faucet.pay([{ address: donor.depositAddress, amount: doge(5) }]);
    await world.mineAndScan(1);
  }, 180_000);

  const pages: PageUnderTest[] = [
    { name: 'home', who: 'visitor', path: () => '/' },
    { name: 'signup', who: 'visitor', path: () => '/signup' },
    { name: 'signup-refused', who: 'visitor', path: () => '/signup', status: 400, submit: { form: 'form:has(input[name="password"])', fields: { handle: 'x', password: 'short' } } },
    { name: 'signin', who: 'visitor', path: () => '/signin' },
    { name: 'thing', who: 'visitor', path: () => `/t/${thingId}` },
    { name: 'paydays', who: 'visitor', path: () => '/paydays' },
    { name: 'reserves', who: 'visitor', path: () => '/reserves' },
    { name: 'not-found', who: 'visitor', path: () => '/no-such-page', status: 404 },
    { name: 'donor', who: 'donor', path: () => '/donor' },
    { name: 'thing-flattr-button', who: 'donor', path: () => `/t/${thingId}` },
    { name: 'deposits', who: 'donor', path: () => '/me/deposits' },
    { name: 'donor-statement', who: 'donor', path: () => `/me/statements/${period}` },
    { name: 'creator', who: 'creator', path: () => '/creator' },
    { name: 'creator-statement', who: 'creator', path: () => `/me/statements/${period}` },
    { name: 'password-forgot', who: 'visitor', path: () => '/password/forgot' },
    { name: 'donor-currency', who: 'donor', path: () => '/donor/currency' },
    { name: 'account-mail', who: 'donor', path: () => '/account/mail' },
    { name: 'webhooks', who: 'donor', path: () => '/webhooks' },
    { name: 'operator-signin', who: 'visitor', path: () => '/operator/signin' },
    { name: 'operator', who: 'operator', path: () => '/operator' },
    { name: 'operator-month-confirmed', who: 'operator', path: () => `/operator/settlements/${period}` },
    { name: 'operator-month-open', who: 'operator', path: () => `/operator/settlements/${next}` },
    // The month before: ended, nothing settled, so executing it is possible (and asked to confirm).
    { name: 'operator-confirm', who: 'operator', path: () => `/operator/settlements/${previousPeriod(period)}/confirm?action=execute` },
    { name: 'operator-not-now', who: 'operator', path: () => `/operator/settlements/${next}/confirm?action=execute-close-now`, status: 409 },
  ];

  // One signed-in browser context per language and person, made when first needed.
  const sessions = new Map<string, Promise<BrowserSession>>();
  const sessionOf = (lang: Lang, who: Who): Promise<BrowserSession> => {
    const key = `${lang}-${who}`;
    let session = sessions.get(key);
    if (session === undefined) {
      session = openSession(lang, who);
      sessions.set(key, session);
    }
    return session;
  };
  const openSession = async (lang: Lang, who: Who): Promise<BrowserSession> => {
    const session = await browser.session(`${lang}-${who}`, languageContextOptions(lang));
    await session.context.addCookies([languageCookie(lang, server.url)]);
    // axe in every page from its start: sent to the browser once, not with each page (half the time).
    await session.context.addInitScript({ content: axeSource() });
    const { page } = session;
    if (who === 'donor' || who === 'creator') {
      await page.goto('/signin');
      await page.locator('input[name="handle"]').fill(handles[who]);
      await page.locator('input[name="password"]').fill(TEST_PASSWORD);
      await session.clickAndLoad(submitOf(page, 'form:has(input[name="password"])'));
    } else if (who === 'operator') {
      await page.goto('/operator/signin');
      await page.locator('input[name="token"]').fill(TEST_OPERATOR_TOKEN);
      await session.clickAndLoad(submitOf(page, 'form:has(input[name="token"])'));
    }
    if (who !== 'visitor') expect(session.lastDocument()?.status).toBe(200);
    return session;
  };

  /** The English text of each page's main, to tell that the French one is another. */
  const englishText = new Map<string, string>();

  describe.each(LANGS)('%s', (lang) => {
    it.each(pages.map((p) => [p.name, p] as const))('%s', async (name, target) => {
      const session = await sessionOf(lang, target.who);
      const { page } = session;
      await page.setViewportSize(SIZES.desktop);
      const status = target.status ?? 200;
      if (target.submit !== undefined) {
        await page.goto(target.path());
        for (const [field, value] of Object.entries(target.submit.fields)) await page.locator(`${target.submit.form} [name="${field}"]`).fill(value);
        session.expectHttpError(await formAction(page, target.submit.form));
        await session.clickAndLoad(submitOf(page, target.submit.form));
      } else {
        if (status >= 400) session.expectHttpError(target.path());
        await page.goto(target.path());
      }
      expect(session.lastDocument()?.status).toBe(status);

      const found: string[] = [];
      // The language: <html lang>, and in French a text other than the English one, with none of
      // the commonest English words in it.
      const mainText = (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
      if (lang === 'en') englishText.set(name, mainText);
      if (pagesSpeak(lang)) {
        const shownLang = (await page.locator('html').getAttribute('lang')) ?? '';
        if (!new RegExp(`^${lang}\\b`).test(shownLang)) found.push(`${lang} ${name}: <html lang="${shownLang}">`);
        if (lang !== 'en' && mainText === englishText.get(name)) found.push(`${lang} ${name}: the same text as in English`);
        if (lang !== 'en') {
          const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
          for (const match of text.matchAll(ENGLISH_WORDS)) found.push(`${lang} ${name}: English in the page: "…${text.slice(Math.max(0, match.index - 30), match.index + 30)}…"`);
        }
      }

      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.setViewportSize(viewport);
        found.push(...describeViolations(`${lang} ${name} ${size}`, await axeViolations(page)));
        const file = join(SHOTS_DIR, lang, `${name}-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(0);
      }
      expect(found).toEqual([]);
      expect([...browser.takeProblems(), ...server.takeErrors()]).toEqual([]);
    });
  });
});

interface SignedUpUser {
  token: string;
  depositAddress: string;
}

/** The JSON API of the server at `url`, as a client would use it. */
function apiOf(url: string) {
  const call = async <T = unknown>(method: string, path: string, token: string, body: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    call,
    async signUp(handle: string): Promise<SignedUpUser> {
      const res = await fetch(`${url}/api/v1/accounts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ handle, password: TEST_PASSWORD }) });
      if (res.status !== 201) throw new Error(`sign-up ${handle}: ${res.status} ${await res.text()}`);
      const { token } = (await res.json()) as { token: string };
      const { depositAddress } = await call<{ depositAddress: string }>('GET', '/api/v1/me', token, undefined);
      return { token, depositAddress };
    },
  };
}

function submitOf(page: Page, form: string) {
  return page.locator(`${form} button:not([type="button"]):not([type="reset"]), ${form} input[type="submit"]`);
}

async function formAction(page: Page, form: string): Promise<string> {
  return page.locator(form).evaluate((element) => (element as unknown as { action: string }).action);
}

// The README's walkthrough, literally, on a fresh embedded setup (issue 17 item 1): `kibble serve`
// with nothing configured but a temporary DATA_DIR (its own FerretDB, bcoin regtest node, keys,
// faucet and miner), then in the browser: sign up, send test coins from the donor page, wait for
// the balance, set a budget in EUR (at the stack's own test prices, EMBEDDED_TEST_PRICES), add a
// thing and a payout address, flattr it, run the month from the operator page and watch it reach
// confirmed without reloading (kibble.js follows the batch), then read the month's charge: the EUR
// budget converted at the rate the plan recorded, floored to the koinu. Nobody
// mines or scans by hand: the stack's miner, scanner and settlement follower do it. Once in English
// and once in French, each on a stack of its own (a month can be closed early only once); the
// browser asks for the language by Accept-Language and the `lang` cookie, and every selector is a
// form or an id, so that the same steps walk both. Screenshots go to
// artifacts/e2e-walkthrough/<lang>/.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { periodOf } from '../../src/money/period';
import { coinsForFiat, parseDecimal, parseRate } from '../../src/money/fiat';
import { formatCoins } from '../../src/money/amount';
import { TEST_PASSWORD } from '../support/http';
import { randomAddress } from '../support/settlement-world';
import { SCREENSHOT_DIR, useBrowser, type BrowserSession } from './support/browser';
import { languageContextOptions, languageCookie, LANGS, pagesSpeak, type Lang } from './support/languages';
import { storySteps } from './support/steps';

const STEP_TIMEOUT_MS = 180_000;
const ROOT = join(__dirname, '..', '..');
/** Fast blocks and scans so that six confirmations take seconds; the defaults are 5 s and 10 s. */
const STACK_ENV = { EMBEDDED_BLOCK_SECONDS: '1', SCAN_INTERVAL_SECONDS: '1', LOG_LEVEL: 'warn', NODE_ENV: 'development' };
/** Settings that would make it anything but the embedded default (its test prices included). */
const NOT_EMBEDDED = ['PRICE_SOURCE_URL', 'EMBEDDED_TEST_PRICES', 'OUTBOUND_ALLOW_PRIVATE', 'MONGODB_URI', 'CHAIN', 'CHAIN_RPC_URL', 'WALLET_XPUB', 'WALLET_XPRV', 'WALLET_MNEMONIC', 'FEE_ADDRESS', 'OPERATOR_TOKEN', 'PUBLIC_URL', 'MIN_CONFIRMATIONS'];

describe.each(LANGS)('the README walkthrough on a fresh embedded setup, in %s', (lang) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kibble-walkthrough-'));
  let child: ChildProcess | undefined;
  let url = '';
  let output = '';
  const browser = useBrowser(() => url, join(SCREENSHOT_DIR, '..', 'e2e-walkthrough', lang));
  /** A browser of someone who reads `lang`, with the page's language checked on every load. */
  const session = async (name: string): Promise<BrowserSession> => {
    const opened = await browser.session(name, languageContextOptions(lang));
    await opened.context.addCookies([languageCookie(lang, url)]);
    if (pagesSpeak(lang)) {
      opened.page.on('load', (page) => {
        void page
          .locator('html')
          .getAttribute('lang')
          .then((shown) => {
            if (shown === null || !shown.startsWith(lang)) wrongLanguage.push(`${page.url()}: <html lang="${shown ?? ''}">`);
          })
          .catch(() => undefined);
      });
    }
    return opened;
  };
  /** Pages that came in another language than asked for. */
  const wrongLanguage: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, ...STACK_ENV, DATA_DIR: dataDir, PORT: String(port) };
    for (const key of NOT_EMBEDDED) Reflect.deleteProperty(env, key);
    const started = spawn(process.execPath, [join(ROOT, 'bin', 'kibble.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    while (!output.includes('kibble is running')) {
      if (started.exitCode !== null || Date.now() > deadline) throw new Error(`kibble serve did not start:\n${output}`);
      await sleep(200);
    }
    url = `http://127.0.0.1:${port}`;
  }, 150_000);

  afterAll(async () => {
    const running = child;
    if (running !== undefined && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const suffix = randomBytes(4).toString('hex');
  const payoutAddress = randomAddress();
  /** The README's budget: 5 EUR a month, typed as the donor's language writes it. */
  const eurBudget = lang === 'fr' ? '5,00' : '5.00';
  let donor: BrowserSession;
  let operatorToken = '';
  let thingId = '';
  const step = storySteps({
    browser,
    reported: () => [...browser.takeProblems(), ...wrongLanguage.splice(0).map((page) => `not in ${lang}: ${page}`)],
    timeoutMs: STEP_TIMEOUT_MS,
    failureContext: () => `kibble serve said:\n${output.slice(-4000)}`,
  });

  step('the banner says how to get test coins and how often blocks come', () => {
    expect(output).toContain('blocks: the embedded node mines one every 1 s (EMBEDDED_BLOCK_SECONDS; 0 switches it off)');
    expect(output).toContain(`"Send test coins" on ${url}/donor, or from a shell: npx kibble dev fund <handle|address> <amount in DOGE>`);
    return Promise.resolve();
  });

  step('the banner says the embedded stack serves test prices', () => {
    expect(output).toContain('prices: TEST prices of the embedded regtest chain (EMBEDDED_TEST_PRICES=EUR=0.10,USD=0.11,GBP=0.09,CHF=0.09,JPY=16,CAD=0.15,AUD=0.17;');
    return Promise.resolve();
  });

  step('sign up, send test coins from the donor page, wait for the balance, set a budget in EUR', async () => {
    donor = await session('donor');
    const { page } = donor;
    await page.goto('/signup');
    await page.locator('input[name="handle"]').fill(`donor_${suffix}`);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await donor.clickAndLoad(submitOf(page, 'form:has(input[name="password"])'));
    expect(new URL(page.url()).pathname).toBe('/donor');
    await donor.screenshot('donor');

    await page.locator('#test-coins-form [name="amount"]').fill('100');
    await donor.clickAndLoad(submitOf(page, '#test-coins-form'));
    const sent = await textOf(page.locator('.notice.ok'));
    if (lang === 'en') expect(sent).toContain('Test coins sent to your deposit address');
    await donor.screenshot('donor-test-coins-sent');
    await until(async () => {
      await page.reload();
      // The first amount is the coins' (a value in the donor's currency may follow).
      return amountsIn(await textOf(page.locator('#balance')), lang)[0] === 100;
    }, 'the balance to show 100 DOGE');
    await donor.screenshot('donor-funded');

    await page.locator('#fiat-settings-link').click();
    await page.waitForURL('**/donor/currency');
    await page.locator('#fiat-budget-form [name="currency"]').selectOption('EUR');
    await page.locator('#fiat-budget-form [name="amount"]').fill(eurBudget);
    await donor.clickAndLoad(submitOf(page, '#fiat-budget-form'));
    await donor.screenshot('donor-currency');
    await page.goto('/donor');
    // The price line (now in the budget's EUR) says plainly that these are test prices.
    const priceLine = await textOf(page.locator('#fiat-price'));
    expect(priceLine).toContain('EMBEDDED_TEST_PRICES');
    expect(priceLine).toMatch(lang === 'fr' ? /1 DOGE = 0,10\s€ : cours de TEST/ : /1 DOGE = €0\.10: TEST prices of the embedded regtest chain/);
    expect(await textOf(page.locator('#fiat-budget-mode'))).toMatch(lang === 'fr' ? /5,00\s€/ : /€5\.00/);
    // At the test price (0.10 EUR) the budget is 50 DOGE until the month converts it.
    expect(amountsIn(await textOf(page.locator('#monthly-budget')), lang)[0]).toBe(50);
  });

  step('a creator adds a thing and a payout address', async () => {
    const creator = await session('creator');
    const { page } = creator;
    await page.goto('/signup');
    await page.locator('input[name="handle"]').fill(`creator_${suffix}`);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await creator.clickAndLoad(submitOf(page, 'form:has(input[name="password"])'));
    await page.goto('/creator');
    await page.locator('#thing-form [name="url"]').fill(`https://example.org/walkthrough/${suffix}`);
    await page.locator('#thing-form [name="title"]').fill(`Walkthrough ${suffix}`);
    await creator.clickAndLoad(submitOf(page, '#thing-form'));
    await page.goto('/creator');
    const href = await page.locator('#things h3 a').first().getAttribute('href');
    thingId = /^\/t\/([0-9a-f]{24})$/.exec(href ?? '')?.[1] ?? '';
    expect(thingId).not.toBe('');
    await page.locator('#payout-form [name="address"]').fill(payoutAddress);
    await creator.clickAndLoad(submitOf(page, '#payout-form'));
    expect(await textOf(page.locator('#current-payout-address'))).toBe(payoutAddress);
    await creator.screenshot('creator');
  });

  step('the donor flattrs it, told what it is worth', async () => {
    const { page } = donor;
    await page.goto(`/t/${thingId}`);
    const worth = await textOf(page.locator('#flattr-worth'));
    if (lang === 'en') expect(worth).toContain('would be worth 45 DOGE if the month ended now');
    expect(amountsIn(worth, lang)).toContain(45);
    await donor.clickAndLoad(submitOf(page, '#flattr-form'));
    await page.locator('#flattred').waitFor({ state: 'visible' });
    expect(await page.locator('#worth-nothing-yet').count()).toBe(0);
    await donor.screenshot('thing-flattred');
  });

  step("on a phone (375 px) the creator page's chart text stays at its 12 px and the things have no list bullets", async () => {
    const phone = await session('creator-phone');
    const { page } = phone;
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/signin');
    await page.locator('input[name="handle"]').fill(`creator_${suffix}`);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await phone.clickAndLoad(submitOf(page, 'form:has(input[name="password"])'));
    await page.goto('/creator');
    // No DOM lib in tsconfig: the elements are described structurally.
    const chartScale = await page.locator('#chart').evaluate((svg) => {
      const element = svg as unknown as { getBoundingClientRect(): { width: number }; viewBox: { baseVal: { width: number } } };
      return element.getBoundingClientRect().width / element.viewBox.baseVal.width;
    });
    expect(chartScale).toBeGreaterThanOrEqual(1);
    const bullet = await page.locator('#things li').first().evaluate((li) => (globalThis as unknown as { getComputedStyle(e: unknown): { listStyleType: string } }).getComputedStyle(li).listStyleType);
    expect(bullet).toBe('none');
    await phone.screenshot('creator-phone');
  });

  step('the operator runs the month from the operator page and watches it reach confirmed without reloading', async () => {
    const operator = await session('operator');
    const { page } = operator;
    page.on('dialog', (dialog) => void dialog.accept());
    const token = (JSON.parse(readFileSync(join(dataDir, 'dev-keys.json'), 'utf8')) as { operatorToken: string }).operatorToken;
    operatorToken = token;
    const period = periodOf(new Date());
    await page.goto('/operator/signin');
    await page.locator('input[name="token"]').fill(token);
    await operator.clickAndLoad(submitOf(page, 'form:has(input[name="token"])'));
    await page.goto(`/operator/settlements/${period}`);
    await operator.clickAndLoad(page.locator('#action-execute-close-now'));
    await operator.clickAndLoad(submitOf(page, '#confirm-form'));
    await page.locator('#transactions').waitFor({ state: 'visible' });
    await operator.screenshot('operator-broadcast');
    // kibble.js follows the batch (it polls the page's JSON twin): no reload, no navigation.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    await page.locator('#settlement-live[data-state="confirmed"]').waitFor({ state: 'attached', timeout: 120_000 });
    await page.locator('.tx-state').first().waitFor({ state: 'visible' });
    expect(Number(await textOf(page.locator('.tx-confirmations').first()))).toBeGreaterThanOrEqual(1);
    if (lang === 'en') expect(await textOf(page.locator('#settlement-state'))).toBe('confirmed');
    expect(navigations).toEqual([]);
    await operator.screenshot('operator-confirmed');
  });

  step("the month's charge is the EUR budget converted at the rate the plan recorded, floored to the koinu", async () => {
    const period = periodOf(new Date());
    const response = await donor.page.request.post(`/api/v1/admin/settlements/${period}/plan`, { headers: { authorization: `Bearer ${operatorToken}` } });
    expect(response.status()).toBe(200);
    const plan = (await response.json()) as { stored: boolean; rates: Array<{ currency: string; rate: string }>; donors: Array<{ charge: string; fiatBudget?: { currency: string; amount: string } }> };
    expect(plan.stored).toBe(true);
    const eur = plan.rates.find((rate) => rate.currency === 'EUR');
    expect(eur?.rate).toBe('0.1');
    const [planned] = plan.donors;
    expect(planned?.fiatBudget).toEqual({ currency: 'EUR', amount: '5' });
    const expected = coinsForFiat(parseDecimal('5', 'budget', 2), parseRate(eur?.rate, 'EUR'));
    expect(planned?.charge).toBe(formatCoins(expected));
    // The donor's statement page shows that charge: 50 DOGE.
    const { page } = donor;
    await page.goto(`/me/statements/${period}`);
    expect(amountsIn(await textOf(page.locator('#statement-charge')), lang)[0]).toBe(Number(expected) / 1e8);
    await donor.screenshot('statement');
  });
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(1_000);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The amounts in a text as the pages of `lang` write them: "1,234.5 DOGE" in English, "1 234,5 DOGE"
 * in French (Intl's group separator is a narrow no-break space there).
 */
function amountsIn(text: string, lang: Lang): number[] {
  const group = lang === 'fr' ? /[\s\u00a0\u202f](?=\d{3}\b)/g : /,(?=\d{3}\b)/g;
  const decimal = lang === 'fr' ? ',' : '.';
  const plain = text.replace(group, '');
  const pattern = lang === 'fr' ? /\d+(?:,\d+)?/g : /\d+(?:\.\d+)?/g;
  return [...plain.matchAll(pattern)].map((match) => Number(match[0].replace(decimal, '.')));
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

function submitOf(page: Page, form: string): Locator {
  return page.locator(`${form} button:not([type="button"]):not([type="reset"]), ${form} input[type="submit"]`);
}

// Debian's chromium driven by playwright-core, for the browser tests. Call in describe scope:
//
//   const browser = useBrowser(() => server.url);
//   it('...', async () => {
//     const donor = await browser.session('donor');    // a context of its own (its own cookies)
//     await donor.page.goto('/signup');                 // relative to the server's URL
//     await donor.screenshot('signup');                 // artifacts/e2e/01-signup.png
//     expect(browser.takeProblems()).toEqual([]);       // console errors, page errors, CSP reports
//   });
//
// Every console message of type 'error' (a failed resource load, a CSP violation, a script's
// console.error), every warning that reports a CSP violation and every uncaught page error is
// recorded as a problem. A form that is meant to answer 4xx (it shows its errors) makes chromium log
// "Failed to load resource: ... 400": declare it first with session.expectHttpError(url).
import { accessSync, constants, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/** Screenshots of every page the tests visit (git-ignored). Emptied at the start of each run. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'artifacts', 'e2e');

const INSTALL_HINT =
  `The browser tests (test/e2e) drive Debian's chromium at ${CHROMIUM_PATH}, which is not installed here. ` +
  'Install it with `sudo apt-get install chromium` (Debian/Ubuntu; .ci/run does this on CI), then run the tests again. ' +
  'playwright-core downloads no browser of its own.';

/** Launches chromium, or fails with how to install it (the suite never skips silently). */
export async function launchChromium(): Promise<Browser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(INSTALL_HINT);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface BrowserSession {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** A full-page screenshot, artifacts/e2e/<NN>-<label>.png (numbered in the order taken); its path. */
  screenshot(label: string): Promise<string>;
  /**
   * Clicks `target` (a submit button, a link) and waits until the page it leads to has loaded
   * (after any redirect, and after a confirm dialog, which a page.on('dialog') handler answers).
   */
  clickAndLoad(target: string | Locator): Promise<void>;
  /** The main frame's last document: where it is (path and query) and the status it came with. */
  lastDocument(): { path: string; status: number } | undefined;
  /**
   * The next document from `url` (relative to the server) may answer 4xx without that counting
   * as a problem: a form that shows its errors with a 400. Forgotten at the next takeProblems().
   */
  expectHttpError(url: string): void;
}

export interface E2eBrowser {
  /**
   * A new browser context (cookies of its own) and page, with relative URLs against the server;
   * `options` adds to the context's (a locale, headers, a viewport).
   */
  session(name: string, options?: BrowserContextOptions): Promise<BrowserSession>;
  /** Console errors, page errors and CSP reports of every session since the last call; emptied. */
  takeProblems(): string[];
  /** A screenshot of every open session's page, e.g. when a step failed. */
  screenshotAll(label: string): Promise<string[]>;
}

const FAILED_LOAD = /^Failed to load resource: the server responded with a status of (\d+)/;

/** `screenshotDir`: another test file's own folder, so that files do not wipe each other's screenshots. */
export function useBrowser(baseUrl: () => string, screenshotDir: string = SCREENSHOT_DIR): E2eBrowser {
  let browser: Browser | undefined;
  const sessions: BrowserSession[] = [];
  let problems: string[] = [];
  const expectedBySession = new Map<string, string[]>();
  let shots = 0;

  beforeAll(async () => {
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    const open = browser;
    browser = undefined;
    sessions.length = 0;
    await open?.close();
  });

  const screenshotOf = async (page: Page, label: string): Promise<string> => {
    shots += 1;
    const path = join(screenshotDir, `${String(shots).padStart(2, '0')}-${label.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };

  return {
    async session(name, options = {}) {
      if (browser === undefined) throw new Error('useBrowser(): chromium is not started yet (use it inside tests or hooks)');
      const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1024, height: 768 }, ...options });
      const page = await context.newPage();
      context.setDefaultTimeout(20_000);
      const expected: string[] = [];
      expectedBySession.set(name, expected);
      let last: { path: string; status: number } | undefined;
      page.on('response', (response) => {
        if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
          const url = new URL(response.url());
          last = { path: `${url.pathname}${url.search}`, status: response.status() };
        }
      });
      page.on('console', (message) => {
        const text = message.text();
        const where = message.location().url;
        const failed = FAILED_LOAD.exec(text);
        if (failed !== null && Number(failed[1]) < 500) {
          const index = expected.indexOf(where);
          if (index >= 0) {
            expected.splice(index, 1);
            return;
          }
        }
        if (message.type() === 'error' || /Content.Security.Policy/i.test(text)) {
          problems.push(`[${name}] console ${message.type()} on ${page.url()}: ${text}${where ? ` (${where})` : ''}`);
        }
      });
      page.on('pageerror', (error) => {
        problems.push(`[${name}] page error on ${page.url()}: ${error.stack ?? error.message}`);
      });
      page.on('crash', () => {
        problems.push(`[${name}] the page crashed on ${page.url()}`);
      });
      const session: BrowserSession = {
        name,
        context,
        page,
        screenshot: (label) => screenshotOf(page, label),
        async clickAndLoad(target) {
          const loaded = page.waitForEvent('load');
          await (typeof target === 'string' ? page.locator(target) : target).click();
          await loaded;
        },
        lastDocument: () => last,
        expectHttpError(url) {
          expected.push(new URL(url, baseUrl()).href);
        },
      };
      sessions.push(session);
      return session;
    },
    takeProblems() {
      for (const expected of expectedBySession.values()) expected.length = 0;
      const taken = problems;
      problems = [];
      return taken;
    },
    async screenshotAll(label) {
      const paths: string[] = [];
      for (const session of sessions) {
        if (session.page.isClosed()) continue;
        try {
          paths.push(relative(process.cwd(), await screenshotOf(session.page, `${label}-${session.name}`)));
        } catch {
          // The page is gone or busy: the step's own error says more than a missing picture.
        }
      }
      return paths;
    },
  };
}

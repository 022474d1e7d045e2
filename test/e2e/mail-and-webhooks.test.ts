// The e-mail settings, preferences and webhook pages in the browser (issue 18, "What it must
// show"), once in English and once in French on one stack (one account per language): an address
// added from the e-mail page and confirmed from the mailed link; a kind of mail turned off on the
// page, and another turned off from a real mail's List-Unsubscribe link; a webhook endpoint added
// (its secret shown once), a flattr delivered to a local receiver that checks the signature, the
// delivery log, the endpoint removed; a forgotten password reset from the sign-in page. Mail is
// read from the test setup's Mailpit; the mail worker, the event mails and the webhook passes are
// run by the test (as `kibble serve` runs them), so nothing waits on a timer.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { mailUnsubscribeKeyOf } from '../../src/config/derived-secrets';
import { SlotLease } from '../../src/db/lease';
import { translatorFor } from '../../src/i18n/translator';
import { createLogger } from '../../src/log';
import { createOutbound } from '../../src/net/outbound';
import { smtpTransport } from '../../src/services/mail/transport';
import { deliverDueMails } from '../../src/services/mail/worker';
import { mailNewEvents } from '../../src/services/notifications/event-mails';
import { mailCoreSend } from '../../src/services/notifications/notify-wiring';
import { webhookPass } from '../../src/services/webhooks/delivery';
import { TEST_PASSWORD } from '../support/http';
import { linkIn, testSmtpUrl, uniqueAddress, waitForMails, type CaughtMail } from '../support/mailbox';
import { doge } from '../support/money';
import { FEE_BPS, MIN_CONFIRMATIONS, useSettlementWorld } from '../support/settlement-world';
import { useWebhookReceiver } from '../support/webhook-receiver';
import { SCREENSHOT_DIR, useBrowser, type BrowserSession } from './support/browser';
import { languageContextOptions, languageCookie, LANGS, type Lang } from './support/languages';
import { useE2eServer } from './support/server';
import { storySteps } from './support/steps';

const STEP_TIMEOUT_MS = 90_000;
const NEW_PASSWORD = 'a new password from the mailed link';

describe('the e-mail and webhook pages in the browser', () => {
  const world = useSettlementWorld();
  const server = useE2eServer(world);
  const browser = useBrowser(() => server.url, join(SCREENSHOT_DIR, '..', 'e2e-mail-and-webhooks'));
  const log = createLogger('silent');
  const clock = (): Date => new Date();

  // A local webhook receiver (127.0.0.1) that checks every signature with the secret the page showed.
  const receiver = useWebhookReceiver({ timestampCheck: 'wall-clock' });
  const received = receiver.calls;

  /** One pass of the mail worker over SMTP to Mailpit. */
  const deliverMail = async (): Promise<void> => {
    await deliverDueMails({ lease: new SlotLease('mail', 'e2e-mail', 60_000, clock), transport: smtpTransport(testSmtpUrl(), 'kibble@kibble.test'), log });
  };
  /** The event mails (deposit credited...) queued for new events, then delivered. */
  const mailEvents = async (): Promise<void> => {
    const publicUrl = server.deps.config.publicUrl;
    await mailNewEvents(
      {
        ...mailCoreSend({ publicUrl, unsubscribeKey: mailUnsubscribeKeyOf(server.deps.config), clock }),
        chain: world.chain,
        serviceFeeBps: FEE_BPS,
        unclaimedMonths: 6,
        publicUrl,
        clock,
        log,
      },
      { gapGraceMs: 0 },
    );
    await deliverMail();
  };
  const passWebhooks = async (): Promise<void> => {
    await webhookPass({ fetch: createOutbound({ allowPrivate: true }), clock, settings: { disableAfterMs: 3 * 86_400_000, timeoutMs: 5_000, gapGraceMs: 0 }, log });
  };

  describe.each(LANGS)('in %s', (lang: Lang) => {
    const { t } = translatorFor(lang);
    const suffix = randomBytes(4).toString('hex');
    const handle = `mail_${lang}_${suffix}`;
    const address = uniqueAddress(`e2e-${lang}`);
    let account: BrowserSession;
    /** What the pages asked through window.confirm. */
    const dialogs: string[] = [];

    /** A browser of someone who reads `lang`. */
    const session = async (name: string): Promise<BrowserSession> => {
      const opened = await browser.session(`${lang}-${name}`, languageContextOptions(lang));
      await opened.context.addCookies([languageCookie(lang, server.url)]);
      // The removal form asks to confirm (kibble.js, data-confirm): yes, and the question is kept.
      opened.page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      return opened;
    };

    const step = storySteps({
      browser,
      reported: () => [...browser.takeProblems(), ...server.takeErrors().map((line) => `server log: ${line}`)],
      timeoutMs: STEP_TIMEOUT_MS,
    });

    step('sign up, add an address from the e-mail page, confirm it from the mailed link', async () => {
      account = await session('account');
      const { page } = account;
      await page.goto('/signup');
      await page.locator('input[name="handle"]').fill(handle);
      await page.locator('input[name="password"]').fill(TEST_PASSWORD);
      await account.clickAndLoad(submitOf(page, 'form:has(input[name="password"])'));
      await expectLanguage(page, lang);

      await account.clickAndLoad(page.locator('a[href="/account/mail"]').first());
      expect(await mainText(page)).toContain(t('mailpages:settings.none'));
      await page.locator('input[name="address"]').fill(address);
      await account.clickAndLoad(submitOf(page, 'form[action="/account/mail/address"]'));
      expect(await mainText(page)).toContain(t('mailpages:settings.addressSent', { address }));
      await account.screenshot(`${lang}-address-sent`);

      await deliverMail();
      const [mail] = await waitForMails(address);
      expect(mail!.subject).toBe(t('mail:addressConfirmationSubject'));
      const link = linkIn(mail!, `${server.url}/email/confirm?token=`);
      await page.goto(link);
      await expectLanguage(page, lang);
      await account.clickAndLoad(submitOf(page, 'form[action="/email/confirm"]'));
      expect(await mainText(page)).toContain(t('mailpages:confirm.done', { address }));
      await account.clickAndLoad(page.locator('main a[href="/account/mail"]'));
      expect(await mainText(page)).toContain(t('mailpages:settings.confirmed', { address }));
      await account.screenshot(`${lang}-address-confirmed`);
    });

    step('turn a kind of mail off on the page, and another from a mail\'s unsubscribe link', async () => {
      const { page } = account;
      // Each checkbox sits on its label's line, before it.
      const box = await page.locator('#kind-balance-reminder').boundingBox();
      const labelBox = await page.locator('label[for="kind-balance-reminder"]').boundingBox();
      expect(labelBox!.x).toBeGreaterThan(box!.x + box!.width - 1);
      expect(Math.abs(labelBox!.y + labelBox!.height / 2 - (box!.y + box!.height / 2))).toBeLessThan(labelBox!.height);
      await page.locator('#kind-balance-reminder').uncheck();
      await account.clickAndLoad(submitOf(page, 'form[action="/account/mail/preferences"]'));
      expect(await mainText(page)).toContain(t('mailpages:settings.kindsSaved'));
      await page.goto('/account/mail'); // a fresh GET, not the form's answer
      expect(await page.locator('#kind-balance-reminder').isChecked()).toBe(false);
      expect(await page.locator('#kind-deposit-credited').isChecked()).toBe(true);

      // A deposit credited: its mail carries the one-click unsubscribe link of its kind.
      await page.goto('/donor');
      const depositAddress = (await page.locator('#deposit-address').textContent())?.trim() ?? '';
      await world.faucet.pay([{ address: depositAddress, amount: doge(5) }]);
      await world.mineAndScan(MIN_CONFIRMATIONS);
      await mailEvents();
      const deposit = (await waitForMails(address, 2))[1]!;
      expect(deposit.text).toContain(t('mail:footerWhy', { kindName: t('mail:kind-deposit-credited') }));
      const unsubscribe = unsubscribeUrlOf(deposit);
      expect(unsubscribe.startsWith(`${server.url}/mail/unsubscribe?`)).toBe(true);

      await page.goto(unsubscribe);
      await expectLanguage(page, lang);
      expect(await mainText(page)).toContain(t('mailpages:unsubscribe.ask', { kindName: t('mail:kind-deposit-credited') }));
      await account.clickAndLoad(submitOf(page, 'form[action="/mail/unsubscribe/confirm"]'));
      expect(await mainText(page)).toContain(t('mailpages:unsubscribe.done', { kindName: t('mail:kind-deposit-credited') }));
      await account.screenshot(`${lang}-unsubscribed`);
      await page.goto('/account/mail');
      expect(await page.locator('#kind-deposit-credited').isChecked()).toBe(false);
      expect(await page.locator('#kind-balance-reminder').isChecked()).toBe(false);
      expect(await page.locator('#kind-monthly-statement').isChecked()).toBe(true);
      await account.screenshot(`${lang}-preferences`);
    });

    step('add a webhook endpoint, get a flattr signed at a local receiver, see it delivered, remove it', async () => {
      const { page } = account;
      const path = `/${lang}-${suffix}`;
      await account.clickAndLoad(page.locator('a[href="/webhooks"]').first());
      await expectLanguage(page, lang);
      await page.locator('input[name="url"]').fill(`${receiver.url}${path}`);
      await page.locator('input[name="kind:flattr.created"]').check();
      await account.clickAndLoad(submitOf(page, 'form[action="/webhooks"]'));
      expect(await mainText(page)).toContain(t('webhooks:created'));
      const secret = (await page.locator('#webhook-secret').inputValue()).trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      receiver.secrets.set(path, secret);
      await account.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await page.locator('button[data-copy="webhook-secret"]').click();
      await page.locator('button[data-copy="webhook-secret"]', { hasText: t('webhooks:copied') }).waitFor();
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
      await account.screenshot(`${lang}-webhook-added`);
      await page.goto('/webhooks');
      expect(await page.locator('#webhook-secret').count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
      expect(await page.locator('#webhook-endpoints tbody tr').count()).toBe(1);

      // A flattr by this account, from the thing's page.
      const creator = await world.creator();
      const thingId = await world.thing(creator);
      await page.goto(`/t/${thingId}`);
      await account.clickAndLoad(submitOf(page, '#flattr-form'));
      expect(await page.locator('#flattred').count()).toBe(1);
      const deadline = Date.now() + 20_000;
      while (!received.some((row) => row.path === path)) {
        if (Date.now() > deadline) throw new Error(`the receiver got nothing at ${path}`);
        await passWebhooks();
        if (!received.some((row) => row.path === path)) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const mine = received.filter((row) => row.path === path);
      expect(mine.map((row) => row.kind)).toEqual(['flattr.created']);
      expect(mine.every((row) => row.signatureValid)).toBe(true);

      await page.goto('/webhooks');
      await account.clickAndLoad(page.locator('#webhook-endpoints a[href^="/webhooks/"]'));
      const rows = page.locator('#webhook-deliveries tbody tr');
      expect(await rows.count()).toBe(1);
      const row = await rows.first().innerText();
      expect(row).toContain(mine[0]!.eventId);
      expect(row).toContain(t('webhooks:state.delivered'));
      await account.screenshot(`${lang}-webhook-log`);

      await page.goto('/webhooks');
      await account.clickAndLoad(submitOf(page, '#webhook-endpoints form[action$="/remove"]'));
      expect(dialogs.splice(0)).toEqual([t('webhooks:action.removeConfirm', { url: `${receiver.url}${path}` })]);
      expect(new URL(page.url()).pathname).toBe('/webhooks');
      expect(await mainText(page)).toContain(t('webhooks:removed'));
      expect(await mainText(page)).toContain(t('webhooks:list.none'));
    });

    step('reset a forgotten password from the sign-in page: the old one is refused, the new one signs in', async () => {
      const visitor = await session('visitor');
      const { page } = visitor;
      await page.goto('/signin');
      await visitor.clickAndLoad(page.locator('main a[href="/password/forgot"]'));
      await expectLanguage(page, lang);
      await page.locator('input[name="address"]').fill(address);
      await visitor.clickAndLoad(submitOf(page, 'form[action="/password/forgot"]'));
      expect(await mainText(page)).toContain(t('mailpages:forgot.sent'));

      await deliverMail();
      const reset = (await waitForMails(address, 3))[2]!;
      expect(reset.subject).toBe(t('mail:passwordResetSubject'));
      await page.goto(linkIn(reset, `${server.url}/password/reset?token=`));
      await expectLanguage(page, lang);
      await page.locator('input[name="password"]').fill(NEW_PASSWORD);
      await visitor.clickAndLoad(submitOf(page, 'form[action="/password/reset"]'));
      expect(await mainText(page)).toContain(t('mailpages:reset.done'));
      await visitor.screenshot(`${lang}-password-reset`);

      await visitor.clickAndLoad(page.locator('main a[href="/signin"]'));
      await signIn(visitor, handle, TEST_PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/signin');
      expect(await mainText(page)).toContain(t('auth:signIn.refused'));
      await signIn(visitor, handle, NEW_PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/donor');
      await expectLanguage(page, lang);
      // The reset signed the account's other sessions out.
      await account.page.goto('/account/mail');
      expect(new URL(account.page.url()).pathname).toBe('/signin');
    });
  });
});

function submitOf(page: Page, form: string) {
  return page.locator(`${form} button[type="submit"]`).first();
}

async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

async function expectLanguage(page: Page, lang: Lang): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toMatch(new RegExp(`^${lang}`));
}

async function signIn(session: BrowserSession, handle: string, password: string): Promise<void> {
  const { page } = session;
  if (new URL(page.url()).pathname !== '/signin') await page.goto('/signin');
  await page.locator('input[name="handle"]').fill(handle);
  await page.locator('input[name="password"]').fill(password);
  session.expectHttpError('/signin');
  await session.clickAndLoad(submitOf(page, 'form[action="/signin"]'));
}

/** The https/http URL of a mail's List-Unsubscribe header (`<url>`, maybe with a mailto: too). */
function unsubscribeUrlOf(mail: CaughtMail): string {
  const header = (mail.headers['List-Unsubscribe'] ?? []).join(', ');
  const url = /<(https?:[^>]+)>/.exec(header)?.[1];
  if (url === undefined) throw new Error(`no List-Unsubscribe URL in ${JSON.stringify(mail.headers['List-Unsubscribe'])}`);
  return url;
}

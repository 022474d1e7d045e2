// A month of kibble in a real browser (Debian's chromium through playwright-core) against the real
// database and regtest node: a donor signs up and funds a deposit, a creator adds a thing and a
// payout address, the donor flattrs it, and the operator settles the month and watches the
// transaction confirm. Each step is one test, run in order; a step after a failed one is not run.
// Every page visited is saved under artifacts/e2e/, and any console error, page error or CSP
// report fails the step (test/e2e/support/browser.ts), as does an error in the server's log.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { addressFromOutputScript, checkAddress } from '../../src/chain/address';
import { parseBlock, transactionBytesInBlock } from '../../src/chain/block/block-parser';
import { AccountModel, handleKeyOf } from '../../src/db/account';
import { ClickModel } from '../../src/db/click';
import { SettlementModel, type Settlement } from '../../src/db/settlement';
import { ThingModel } from '../../src/db/thing';
import { periodOf } from '../../src/money/period';
import { verifyAllocationProof } from '../../src/proofs/verify-allocation-proof';
import { TEST_OPERATOR_TOKEN, TEST_PASSWORD } from '../support/http';
import { doge } from '../support/money';
import { MIN_CONFIRMATIONS, randomAddress, SETTLEMENT_CHAIN, useSettlementWorld } from '../support/settlement-world';
import { useBrowser, type BrowserSession } from './support/browser';
import { useE2eServer } from './support/server';
import { storySteps } from './support/steps';

const STEP_TIMEOUT_MS = 120_000;
const DEPOSIT = doge(50);
const BUDGET = '10';
/** The budget less the 10% fee, all of it to the one thing flattred. */
const CREATOR_SHARE = doge(9);
/** A valid Dogecoin mainnet address: the wrong chain for the bcoin-regtest profile. */
const OTHER_CHAIN_ADDRESS = 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC';

describe('a month of kibble in the browser', () => {
  const world = useSettlementWorld();
  const server = useE2eServer(world);
  const browser = useBrowser(() => server.url);

  const suffix = randomBytes(4).toString('hex');
  const donorHandle = `donor_${suffix}`;
  const creatorHandle = `creator_${suffix}`;
  const payoutAddress = randomAddress();
  let donor: BrowserSession;
  let creator: BrowserSession;
  let operator: BrowserSession;
  let depositAddress: string;
  let thingId: string;
  let period: string;
  let txid: string;

  const step = storySteps({
    browser,
    reported: () => [...browser.takeProblems(), ...server.takeErrors().map((line) => `server log: ${line}`)],
    timeoutMs: STEP_TIMEOUT_MS,
  });

  step('a donor signs up, lands on the donor page and sees the deposit QR code and address', async () => {
    donor = await browser.session('donor');
    const { page } = donor;
    await page.goto('/signup');
    expectAt(donor, '/signup');
    await donor.screenshot('signup');
    await page.locator('input[name="handle"]').fill(donorHandle);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await donor.clickAndLoad(page.getByRole('button', { name: 'Create my account' }));
    expectAt(donor, '/donor');

    await page.locator('#deposit-qr svg').waitFor({ state: 'visible' });
    depositAddress = await valueOrText(page.locator('#deposit-address'));
    expect(checkAddress(SETTLEMENT_CHAIN, depositAddress)).toMatchObject({ valid: true });
    const account = await AccountModel.findOne({ handleKey: handleKeyOf(donorHandle) }).orFail().lean();
    expect(depositAddress).toBe(account.depositAddress);
    await donor.screenshot('donor');
  });

  step('the deposit is paid on chain and shows as the balance; the donor sets a monthly budget', async () => {
    const { page } = donor;
    await world.faucet.pay([{ address: depositAddress, amount: DEPOSIT }]);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    await page.reload();
    expectAt(donor, '/donor');
    expect(numbersIn(await textOf(page.locator('#balance')))).toContain(50);
    await donor.screenshot('donor-funded');

    const budget = page.locator('#budget-form [name="monthlyBudget"]');
    await budget.fill(BUDGET);
    await donor.clickAndLoad(submitOf(page, '#budget-form'));
    expectAt(donor, '/donor');
    const account = await AccountModel.findOne({ handleKey: handleKeyOf(donorHandle) }).orFail().lean();
    expect(account.monthlyBudget).toBe(doge(BUDGET));
    // The form shows the budget now in force.
    expect(numbersIn(await budget.inputValue())).toEqual([Number(BUDGET)]);
    await donor.screenshot('donor-budget');
  });

  step('a creator signs up, adds a thing and a payout address (a bad one shows an error at the field)', async () => {
    creator = await browser.session('creator');
    const { page } = creator;
    await page.goto('/signup');
    await page.locator('input[name="handle"]').fill(creatorHandle);
    await page.locator('input[name="password"]').fill(TEST_PASSWORD);
    await creator.clickAndLoad(page.getByRole('button', { name: 'Create my account' }));
    await page.goto('/creator');
    expectAt(creator, '/creator');
    await creator.screenshot('creator');

    const url = `https://example.org/e2e/${suffix}`;
    const title = `The e2e thing ${suffix}`;
    await page.locator('#thing-form [name="url"]').fill(url);
    await page.locator('#thing-form [name="title"]').fill(title);
    await creator.clickAndLoad(submitOf(page, '#thing-form'));
    if (pathnameOf(creator) !== '/creator') await page.goto('/creator');
    expectAt(creator, '/creator');
    const hrefs = await page.locator('a[href*="/t/"]').evaluateAll((links) => links.map((link) => (link as unknown as { href: string }).href));
    const ids = [...new Set(hrefs.map((href) => /\/t\/([0-9a-f]{24})$/.exec(new URL(href).pathname)?.[1]).filter((id): id is string => id !== undefined))];
    expect(ids).toHaveLength(1);
    thingId = ids[0]!;
    const owner = await AccountModel.findOne({ handleKey: handleKeyOf(creatorHandle) }).orFail().lean();
    const thing = await ThingModel.findById(thingId).orFail().lean();
    expect({ url: thing.url, title: thing.title, ownerId: thing.ownerId.toHexString() }).toEqual({ url: expect.stringContaining(`/e2e/${suffix}`), title, ownerId: owner._id.toHexString() });
    expect(await textOf(page.locator('main'))).toContain(title);
    await creator.screenshot('creator-thing');

    // A Dogecoin mainnet address on this regtest deployment: refused, the error next to the field.
    const address = page.locator('#payout-form [name="address"]');
    await address.fill(OTHER_CHAIN_ADDRESS);
    creator.expectHttpError(await formAction(page, '#payout-form'));
    await creator.clickAndLoad(submitOf(page, '#payout-form'));
    const error = await fieldError(page, '#payout-form', 'address');
    expect(await textOf(error)).toMatch(/\S/);
    expect((await AccountModel.findById(owner._id).orFail().lean()).payoutAddress).toBeUndefined();
    await creator.screenshot('creator-payout-refused');

    await page.locator('#payout-form [name="address"]').fill(payoutAddress);
    await creator.clickAndLoad(submitOf(page, '#payout-form'));
    expect(lastStatus(creator)).toBeLessThan(400);
    await expect(page.locator('#payout-form .error').count()).resolves.toBe(0);
    expect((await AccountModel.findById(owner._id).orFail().lean()).payoutAddress).toBe(payoutAddress);
    if (pathnameOf(creator) !== '/creator') await page.goto('/creator');
    const shownAddress = `${await page.locator('#payout-form [name="address"]').inputValue()} ${await textOf(page.locator('main'))}`;
    expect(shownAddress).toContain(payoutAddress);
    await creator.screenshot('creator-payout');
  });

  step("the donor flattrs the thing on the thing's page", async () => {
    const { page } = donor;
    await page.goto(`/t/${thingId}`);
    expectAt(donor, `/t/${thingId}`);
    await donor.screenshot('thing');
    await donor.clickAndLoad(submitOf(page, '#flattr-form'));
    await page.locator('#flattred').waitFor({ state: 'visible' });
    const account = await AccountModel.findOne({ handleKey: handleKeyOf(donorHandle) }).orFail().lean();
    expect(await ClickModel.countDocuments({ donorId: account._id, thingId, period: periodOf(new Date()) })).toBe(1);
    await donor.screenshot('thing-flattred');
  });

  step('the operator plans and executes the month and sees the transaction confirm', async () => {
    operator = await browser.session('operator');
    const { page } = operator;
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    period = periodOf(new Date());

    await page.goto('/operator/signin');
    expectAt(operator, '/operator/signin');
    await operator.screenshot('operator-signin');
    await page.locator('input[name="token"]').fill(TEST_OPERATOR_TOKEN);
    await operator.clickAndLoad(submitOf(page, 'form:has(input[name="token"])'));
    expect(lastStatus(operator)).toBeLessThan(400);

    await page.goto(`/operator/settlements/${period}`);
    expectAt(operator, `/operator/settlements/${period}`);
    await page.locator('#plan-creators').waitFor({ state: 'visible' });
    expect(await textOf(page.locator('#plan-creators'))).toContain(payoutAddress);
    const planned = await rowOf(page, '#plan-creators', payoutAddress);
    if (planned !== undefined) expect(numbersIn(cellUnder(planned, /^paid$/i) ?? '')).toEqual([Number(CREATOR_SHARE) / 1e8]);
    await operator.screenshot('operator-plan');

    const execute = page.locator('#action-execute-close-now');
    expect(await execute.getAttribute('href')).toMatch(new RegExp(`/${period}/confirm\\?action=execute-close-now$`));
    await operator.clickAndLoad(execute);
    expect(lastStatus(operator)).toBe(200);
    expect(pathOf(operator)).toMatch(/\/confirm\?action=execute-close-now$/);
    await operator.screenshot('operator-confirm');
    await operator.clickAndLoad(submitOf(page, '#confirm-form'));
    // kibble.js asked once more (data-confirm) and the dialog was accepted.
    expect(dialogs).toEqual(['confirm']);
    expect(lastStatus(operator)).toBe(200);

    await page.locator('#transactions').waitFor({ state: 'visible' });
    const shownTxid = /\b[0-9a-f]{64}\b/.exec(await textOf(page.locator('#transactions')))?.[0];
    const executed = await SettlementModel.findById(period).orFail().lean<Settlement>();
    expect(executed.state).toBe('broadcast');
    expect(executed.transactions).toHaveLength(1);
    txid = executed.transactions[0]!.txid;
    expect(shownTxid).toBe(txid);
    expect(executed.summary).toMatchObject({ donorsCharged: 1, clicks: 1, creatorsPaid: 1, paidToCreators: CREATOR_SHARE });
    expect(await world.rpc.getRawMempool()).toContain(txid);
    await operator.screenshot('operator-broadcast');

    // The page follows the batch by itself (kibble.js polls its JSON twin): no reload, no navigation.
    expect(await textOf(page.locator('#settlement-state'))).toBe('broadcast');
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [followed] = await world.service().followConfirmations();
    expect(followed?.state).toBe('confirmed');
    await page.locator('#settlement-state', { hasText: /^confirmed$/ }).waitFor({ state: 'visible', timeout: 15_000 });
    expect(await textOf(page.locator('#settlement-state-words'))).toBe('every payout is confirmed on chain');
    expect(await textOf(page.locator('#live-note'))).toMatch(/^Now confirmed/);
    const shown = await transactionShown(page, txid);
    expect(shown.state).toBe('confirmed');
    expect(shown.confirmations).toBeGreaterThanOrEqual(MIN_CONFIRMATIONS);
    expect(navigations).toEqual([]);
    await operator.screenshot('operator-confirmed');

    // A reload shows the state, not the "done" notice of the action again (it was said once).
    await page.reload();
    expectAt(operator, `/operator/settlements/${period}`);
    expect(await page.locator('.notice.ok').count()).toBe(0);
    expect(await textOf(page.locator('#settlement-state'))).toBe('confirmed');
  });

  step("the creator opens the month's statement from the creator page, sees the payout txid:vout, and it prints", async () => {
    const { page } = creator;
    await page.goto('/creator');
    expectAt(creator, '/creator');
    await creator.clickAndLoad(page.locator(`a.statement-link[href="/me/statements/${period}"]`));
    expectAt(creator, `/me/statements/${period}`);
    const payouts = await textOf(page.locator('#statement-payouts'));
    const outpoint = new RegExp(`${txid}:(\\d+)`).exec(payouts);
    expect(outpoint).not.toBeNull();
    expect(payouts).toMatch(/confirmed/);
    // The listed output is the creator's: its value on chain is the share paid.
    const height = (await SettlementModel.findById(period).orFail().lean<Settlement>()).transactions[0]?.blockHeight as number;
    const block = parseBlock(await world.rpc.getRawBlock(await world.rpc.getBlockHash(height)), { auxpow: false });
    const output = block.transactions.find((tx) => tx.txid === txid)?.outputs[Number(outpoint?.[1])];
    expect(output === undefined ? undefined : addressFromOutputScript(SETTLEMENT_CHAIN, output.script)).toBe(payoutAddress);
    expect(output?.value).toBe(CREATOR_SHARE);
    await creator.screenshot('creator-statement');
    // The CSV link works with the page's session cookie (the API wants a bearer token).
    const csv = await page.request.get((await page.locator('#statement-csv').getAttribute('href')) as string);
    expect({ status: csv.status(), type: csv.headers()['content-type'], disposition: csv.headers()['content-disposition'] }).toEqual({
      status: 200,
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="kibble-statement-${period}.csv"`,
    });
    expect(await csv.text()).toContain(`${period},payout,`);

    // Printed: the navigation is hidden, and the PDF renders.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('#statement-payouts').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
  });

  step("the donor downloads the month's proof from the donor page, and it verifies against the mined transaction", async () => {
    const { page } = donor;
    await page.goto('/donor');
    expectAt(donor, '/donor');
    const link = page.locator(`a.proof-link[href="/proofs/${period}"]`);
    await link.waitFor({ state: 'visible' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`kibble-proof-${period}.json`);
    const proof = JSON.parse(readFileSync(await download.path(), 'utf8')) as unknown;
    await donor.screenshot('donor-proof-link');

    // Checked as a donor would, without kibble: against the transaction as the node mined it.
    const height = (await SettlementModel.findById(period).orFail().lean<Settlement>()).transactions[0]?.blockHeight as number;
    const raw = transactionBytesInBlock(await world.rpc.getRawBlock(await world.rpc.getBlockHash(height)), txid, { auxpow: false });
    const verdict = verifyAllocationProof(proof, Buffer.from(raw ?? new Uint8Array()).toString('hex'));
    expect(verdict.valid).toBe(true);
    if (!verdict.valid) return;
    expect(verdict.proves).toMatchObject({ period, txid });
    const donorId = (await AccountModel.findOne({ handleKey: handleKeyOf(donorHandle) }).orFail().lean())._id.toHexString();
    const creatorId = (await AccountModel.findOne({ handleKey: handleKeyOf(creatorHandle) }).orFail().lean())._id.toHexString();
    expect(verdict.proves.leaves).toEqual([expect.objectContaining({ donor: donorId, creator: creatorId, amount: CREATOR_SHARE })]);
  });
});

function pathOf(session: BrowserSession): string {
  const url = new URL(session.page.url());
  return `${url.pathname}${url.search}`;
}

function pathnameOf(session: BrowserSession): string {
  return new URL(session.page.url()).pathname;
}

function lastStatus(session: BrowserSession): number | undefined {
  return session.lastDocument()?.status;
}

/** The page is `path` (no query) and came with a 200. */
function expectAt(session: BrowserSession, path: string): void {
  expect({ path: pathnameOf(session), status: lastStatus(session) }).toEqual({ path, status: 200 });
}

/** The text as rendered (innerText: table cells apart, hidden parts left out), spaces collapsed. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** An input's value, or an element's text. */
async function valueOrText(locator: Locator): Promise<string> {
  // No DOM types here (tsconfig has no "dom" lib): the page's elements are described structurally.
  const read = (element: unknown): string => {
    const e = element as { tagName: string; value?: string; textContent: string | null };
    return e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' ? (e.value ?? '') : (e.textContent ?? '');
  };
  return (await locator.evaluate(read)).trim();
}

/** The decimal numbers in a text ("Balance: 50 DOGE" -> [50]). */
function numbersIn(text: string): number[] {
  return [...text.matchAll(/\d[\d,]*(?:\.\d+)?/g)].map((match) => Number(match[0].replace(/,/g, '')));
}

/** The one submit button of a form. */
function submitOf(page: Page, form: string): Locator {
  return page.locator(`${form} button:not([type="button"]):not([type="reset"]), ${form} input[type="submit"]`);
}

async function formAction(page: Page, form: string): Promise<string> {
  return page.locator(form).evaluate((element) => (element as unknown as { action: string }).action);
}

/**
 * The error shown next to a form field: the element its aria-describedby names (the layout's
 * field() helper), or else an `.error` in the same `.field` as the input. Waits for it to show.
 */
async function fieldError(page: Page, form: string, name: string): Promise<Locator> {
  const input = page.locator(`${form} [name="${name}"]`);
  await input.waitFor({ state: 'visible' });
  const describedBy = await input.getAttribute('aria-describedby');
  const error = describedBy ? page.locator(`[id="${describedBy.split(/\s+/)[0]}"]`) : page.locator(`${form} .field:has([name="${name}"]) .error`);
  await error.waitFor({ state: 'visible' });
  return error;
}

/** The cells of the one row of `table` that mentions `text`, with the table's column headers. */
async function rowOf(page: Page, table: string, text: string): Promise<{ headers: string[]; cells: string[] } | undefined> {
  const row = page.locator(`${table} tr`, { hasText: text });
  if ((await row.count()) !== 1) return undefined;
  const clean = (texts: string[]): string[] => texts.map((cell) => cell.replace(/\s+/g, ' ').trim());
  return {
    headers: clean(await page.locator(`${table} tr:has(th):not(:has(td)) th`).allInnerTexts()),
    cells: clean(await row.locator('td, th').allInnerTexts()),
  };
}

function cellUnder(row: { headers: string[]; cells: string[] }, header: RegExp): string | undefined {
  const column = row.headers.findIndex((name) => header.test(name));
  return column < 0 ? undefined : row.cells[column];
}

/** The state and confirmations `#transactions` shows for `txid` (a table; else its text). */
async function transactionShown(page: Page, txid: string): Promise<{ state: string | undefined; confirmations: number | undefined }> {
  const row = await rowOf(page, '#transactions', txid);
  if (row !== undefined) {
    const state = cellUnder(row, /^state$/i) ?? row.cells.find((cell) => /^(signed|broadcast|confirmed)$/i.test(cell));
    const confirmations = cellUnder(row, /confirmations/i);
    return { state: state?.toLowerCase(), confirmations: confirmations === undefined || !/^\d+$/.test(confirmations) ? undefined : Number(confirmations) };
  }
  const text = await textOf(page.locator('#transactions'));
  const count = /(\d+)\s*confirmations?/i.exec(text)?.[1] ?? /confirmations:?\s*(\d+)/i.exec(text)?.[1];
  return { state: /(?<![a-z])confirmed\b/i.test(text) ? 'confirmed' : undefined, confirmations: count === undefined ? undefined : Number(count) };
}

// The mail core against the real Mailpit started by the test setup: queueMail, the leased worker,
// preferences, one-click unsubscribe headers, retries, and a worker that stops mid-send.
import { randomBytes } from 'node:crypto';
import { SlotLease } from '../../../src/db/lease';
import { createLogger } from '../../../src/log';
import { confirmEmail, storeEmail } from '../../../src/services/accounts/account-store';
import { findMail } from '../../../src/services/mail/outbox-store';
import { setKindWanted } from '../../../src/services/mail/preferences';
import { queueMail, type MailQueueDeps } from '../../../src/services/mail/queue';
import { smtpTransport, type MailTransport } from '../../../src/services/mail/transport';
import { deliverDueMails, type MailWorkerDeps } from '../../../src/services/mail/worker';
import { accountSubject } from '../../../src/services/mail/unsubscribe';
import { useTestDatabase } from '../../support/database';
import { createTestApp } from '../../support/http';
import { mailsTo, testSmtpUrl, uniqueAddress, waitForMails } from '../../support/mailbox';

useTestDatabase();
const t = createTestApp();
const log = createLogger('silent');
const SLOT_MS = 5_000;
const STALE_MS = 60_000;
const queueDeps = (): MailQueueDeps => ({ publicUrl: 'https://kibble.example', unsubscribeKey: randomKey, clock: t.clock });
const randomKey = randomBytes(32);

function worker(holder: string, transport: MailTransport = smtpTransport(testSmtpUrl(), 'kibble <kibble@kibble.test>')): MailWorkerDeps {
  return { lease: new SlotLease('mail', holder, SLOT_MS, t.clock), transport, log, staleAfterMs: STALE_MS, retry: { baseDelayMs: 1_000, maxDelayMs: 10_000, maxAttempts: 3 } };
}

async function accountWithAddress(locale: 'en' | 'fr', confirmed = true): Promise<{ id: string; address: string }> {
  const { id } = await t.signUp();
  const address = uniqueAddress(locale);
  await storeEmail(id, address, locale);
  if (confirmed) await confirmEmail(id, address, t.clock());
  return { id, address };
}

const testMail = (id: string, accountId: string, note = 'hello') =>
  ({ id, to: { accountId }, kind: 'payout-sent', template: 'test', data: { note } }) as const;

describe('the mail outbox and its worker', () => {
  it('queues a mail once, sends it once in the account language, with one-click unsubscribe headers', async () => {
    const alice = await accountWithAddress('fr');
    const id = `test:${randomBytes(4).toString('hex')}`;
    expect(await queueMail(testMail(id, alice.id), queueDeps())).toBe('queued');
    expect(await queueMail(testMail(id, alice.id, 'changed'), queueDeps())).toBe('already-queued');
    expect(await deliverDueMails(worker('a'))).toMatchObject({ sent: 1 });
    expect(await deliverDueMails(worker('a'))).toMatchObject({ sent: 0 });

    const [mail, ...others] = await waitForMails(alice.address);
    expect(others).toEqual([]);
    expect(mail?.subject).toBe('Courriel de test de kibble');
    expect(mail?.text).toContain('Ceci est un courriel de test de kibble : hello');
    expect(mail?.headers['List-Unsubscribe']).toEqual([expect.stringMatching(/^<https:\/\/kibble\.example\/mail\/unsubscribe\?token=[A-Za-z0-9_.-]+>$/)]);
    expect(mail?.headers['List-Unsubscribe-Post']).toEqual(['List-Unsubscribe=One-Click']);
    expect((await findMail(id))?.state).toBe('sent');
  });

  it('skips accounts without a confirmed address and kinds turned off, also when turned off after queueing', async () => {
    const unconfirmed = await accountWithAddress('en', false);
    expect(await queueMail(testMail(`test:${randomBytes(4).toString('hex')}`, unconfirmed.id), queueDeps())).toBe('skipped-no-address');

    const bob = await accountWithAddress('en');
    const queuedBefore = `test:${randomBytes(4).toString('hex')}`;
    expect(await queueMail(testMail(queuedBefore, bob.id), queueDeps())).toBe('queued');
    await setKindWanted(accountSubject(bob.id), 'payout-sent', false, t.clock());
    expect(await queueMail(testMail(`test:${randomBytes(4).toString('hex')}`, bob.id), queueDeps())).toBe('skipped-kind-off');
    expect(await deliverDueMails(worker('a'))).toMatchObject({ sent: 0, skipped: 1 });
    expect((await findMail(queuedBefore))?.state).toBe('skipped');
    expect(await mailsTo(bob.address)).toEqual([]);
  });

  it('retries with backoff when the server is down, and a second worker sends, once, what a stopped one left', async () => {
    const carol = await accountWithAddress('en');
    const down = `test:${randomBytes(4).toString('hex')}`;
    await queueMail(testMail(down, carol.id, 'after a retry'), queueDeps());
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    expect(await deliverDueMails(worker('a', smtpTransport('smtp://127.0.0.1:9', 'kibble@kibble.test')))).toMatchObject({ retried: 1 });
    const retried = await findMail(down);
    expect(retried).toMatchObject({ state: 'pending', attempts: 1 });
    expect(retried?.nextAttemptAt.getTime()).toBe(t.clock().getTime() + 1_000);

    // Worker "a" stops for good in the middle of an SMTP conversation (its send never returns),
    // on the oldest due mail: the one that failed above. The next one waits behind it, pending.
    const stuck = `test:${randomBytes(4).toString('hex')}`;
    t.clock.advance(1_000);
    await queueMail(testMail(stuck, carol.id, 'waiting behind it'), queueDeps());
    const hangs: MailTransport = { send: () => new Promise<void>(() => undefined), close: () => undefined };
    void deliverDueMails(worker('a', hangs));
    await waitFor(async () => (await findMail(down))?.state === 'sending');
    // Queued while "a" is gone: a crash between queue and send.
    const afterCrash = `test:${randomBytes(4).toString('hex')}`;
    await queueMail(testMail(afterCrash, carol.id, 'queued after the crash'), queueDeps());

    const b = worker('b');
    expect(await deliverDueMails(b)).toBeUndefined(); // "a" still holds the lease
    t.clock.advance(STALE_MS + 2 * SLOT_MS);
    expect(await deliverDueMails(b)).toMatchObject({ sent: 3 });
    expect(await deliverDueMails(b)).toMatchObject({ sent: 0 });

    const mails = await waitForMails(carol.address, 3);
    expect(mails.map((mail) => mail.text.split('\n')[0]?.trimEnd()).sort()).toEqual([
      'This is a test mail from kibble: after a retry',
      'This is a test mail from kibble: queued after the crash',
      'This is a test mail from kibble: waiting behind it',
    ]);
    // Refused, left mid-send by "a", sent by "b".
    expect(await findMail(down)).toMatchObject({ state: 'sent', attempts: 3 });
    expect(await findMail(stuck)).toMatchObject({ state: 'sent', attempts: 1 });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { randomBytes } from 'node:crypto';
import { AccountModel } from '../../../src/db/account';
import { DepositModel } from '../../../src/db/deposit';
import { EventModel } from '../../../src/db/event';
import { MailOutboxModel } from '../../../src/db/mail-outbox';
import { SlotLease } from '../../../src/db/lease';
import { notificationPass, notificationsLease, type NotificationJobOptions, type NotificationPassReport } from '../../../src/jobs/notification-jobs';
import { createLogger } from '../../../src/log';
import { flattr } from '../../../src/services/clicks/clicks';
import { consumerCursor, recentEventsOf } from '../../../src/services/events/outbox';
import { smtpTransport } from '../../../src/services/mail/transport';
import { deliverDueMails } from '../../../src/services/mail/worker';
import { mailNewEvents, NOTIFICATIONS_CONSUMER } from '../../../src/services/notifications/event-mails';
import type { NotifyDeps } from '../../../src/services/notifications/notify-deps';
import { mailCoreSend } from '../../../src/services/notifications/notify-wiring';
import { runOperatorAlerts } from '../../../src/services/notifications/operator-alerts';
import { donorStatement } from '../../../src/services/statements/donor-statement';
import { testSmtpUrl, uniqueAddress, waitForMails, mailsTo, type CaughtMail } from '../../support/mailbox';
import { doge } from '../../support/money';
import { FEE_BPS, MIN_CONFIRMATIONS, useSettlementWorld, type Creator, type Donor } from '../../support/settlement-world';

/**
 * What people are told about one month on the regtest node (issue 18, item 2), read from the real
 * SMTP server (Mailpit) the test setup starts: two donors (English; French and short of budget),
 * two creators (French with a payout address; English without). Every pass runs twice: digests,
 * reminders, statements and the mails that follow outbox events still arrive once. The events are
 * the real ones: deposits credited by the scanner, flattrs by the clicks, the month's states and
 * its payouts sent and confirmed by the settlement on the regtest node. The last test checks each
 * account's whole share of the month: its events in the outbox and its mails, in its language.
 */
const PERIOD = '2026-10';
const PUBLIC_URL = 'https://kibble.test';
const AT = (iso: string) => new Date(iso);
/** Amounts are written with a no-break space before the unit. */
const nb = (text: string) => text.replace(/ DOGE/g, '\u00a0DOGE');

describe('notifications of a month', () => {
  const world = useSettlementWorld();
  let now = AT('2026-10-01T00:00:00Z');
  const clock = () => now;
  const log = createLogger('silent');
  let donors: { en: Donor; fr: Donor };
  let creators: { fr: Creator; unclaimed: Creator };
  let things: { fr: string; unclaimed: string };
  const addresses = new Map<string, string>();
  const operatorEmail = uniqueAddress('operator');
  let deps: NotifyDeps;
  let options: NotificationJobOptions;

  const passTwice = async (at: string): Promise<NotificationPassReport[]> => {
    now = AT(at);
    const reports = [(await notificationPass(options))!, (await notificationPass(options))!];
    for (const report of reports) expect(report.failed).toEqual([]);
    return reports;
  };
  const withEmail = async (id: string, label: string, locale: 'en' | 'fr'): Promise<void> => {
    const address = uniqueAddress(label);
    addresses.set(id, address);
    await AccountModel.updateOne({ _id: id }, { $set: { email: address, emailConfirmedAt: new Date(), mailLocale: locale } });
  };
  const mailLease = new SlotLease('mail', `test-${randomBytes(3).toString('hex')}`, 30_000, () => new Date());
  const deliver = async (): Promise<void> => {
    const lease = mailLease;
    const transport = smtpTransport(testSmtpUrl(), 'kibble <kibble@kibble.test>');
    try {
      const report = await deliverDueMails({ lease, transport, log });
      expect(report?.failed).toBe(0);
    } finally {
      transport.close();
    }
  };
  const depositOf = async (donor: Donor) => {
    const deposit = await DepositModel.findOne({ accountId: donor.id }).lean();
    if (deposit === null) throw new Error('the donor has no deposit');
    return deposit;
  };
  const payoutTo = async (creator: Creator) => {
    const statement = await donorStatement(donors.en.id, PERIOD, { serviceFeeBps: FEE_BPS, unclaimedMonths: 6, chain: world.chain }, () => world.rpc.getBlockCount());
    return statement.creators.find((row) => row.creatorId === creator.id)?.payout ?? undefined;
  };
  const subjects = (mails: readonly CaughtMail[]): string[] => mails.map((mail) => mail.subject);

  beforeAll(async () => {
    creators = { fr: await world.creator(), unclaimed: await world.creator({ payoutAddress: null }) };
    things = { fr: await world.thing(creators.fr), unclaimed: await world.thing(creators.unclaimed) };
    donors = { en: await world.donor(doge(10)), fr: await world.donor(doge(6)) };
    await withEmail(donors.en.id, 'donor-en', 'en');
    await withEmail(donors.fr.id, 'donor-fr', 'fr');
    await withEmail(creators.fr.id, 'creator-fr', 'fr');
    await withEmail(creators.unclaimed.id, 'creator-en', 'en');
    await world.fund(donors.en, doge(50));
    await world.fund(donors.fr, doge(3));
    await flattr(donors.en.id, things.fr, AT('2026-10-02T12:00:00Z'));
    await flattr(donors.en.id, things.unclaimed, AT('2026-10-03T09:00:00Z'));
    await flattr(donors.fr.id, things.fr, AT('2026-10-03T18:00:00Z'));
    deps = {
      ...mailCoreSend({ publicUrl: PUBLIC_URL, unsubscribeKey: randomBytes(32), clock }),
      chain: world.chain,
      serviceFeeBps: FEE_BPS,
      unclaimedMonths: 6,
      publicUrl: PUBLIC_URL,
      clock,
      log,
    };
    options = {
      lease: notificationsLease('test', clock, 60_000),
      deps,
      operator: { nodeTip: () => world.rpc.getBlockCount(), operatorEmail },
      reminderDays: 3,
      tip: () => world.rpc.getBlockCount(),
    };
  }, 120_000);

  it("mails each creator one digest of a day's flattrs and each donor their credited deposit, however often the pass runs", async () => {
    // The scanner recorded both deposits credited while the donors were funded, before three
    // flattrs: read one event a batch, one call still reaches past the flattrs (none needs a mail).
    now = AT('2026-10-04T01:00:00Z');
    expect(await mailNewEvents(deps, { limit: 1 })).toBe(2);
    expect(await consumerCursor(NOTIFICATIONS_CONSUMER)).toBe((await EventModel.findOne().sort({ seq: -1 }).lean())?.seq);
    const [first, second] = await passTwice('2026-10-04T01:00:00Z');
    expect([first?.digests, second?.digests]).toEqual([2, 0]);
    expect([first?.eventMails, second?.eventMails]).toEqual([0, 0]);
    // A day without flattrs (the 1st) sends no digest.
    expect((await passTwice('2026-10-02T01:00:00Z')).map((report) => report.digests)).toEqual([0, 0]);
    await deliver();
    const [fr] = await waitForMails(addresses.get(creators.fr.id)!, 1);
    expect(fr?.subject).toBe('Vos flattrs du 3 oct. 2026');
    expect(fr?.text).toContain('Flattrs : 1 (sur 1 contenu(s))');
    expect(fr?.text).toContain('Soutiens : 1, dont nouveaux ce mois-ci : 1');
    const [en] = await waitForMails(addresses.get(creators.unclaimed.id)!, 1);
    expect(en?.subject).toBe('Your flattrs of Oct 3, 2026');

    const [deposit] = await waitForMails(addresses.get(donors.en.id)!, 1);
    expect(deposit?.subject).toBe(nb('Your deposit of 50 DOGE is credited'));
    expect(deposit?.text).toContain(`(${(await depositOf(donors.en))._id})`);
    const [dépôt] = await waitForMails(addresses.get(donors.fr.id)!, 1);
    expect(dépôt?.subject).toBe(nb('Votre dépôt de 3 DOGE est crédité'));
  });

  it('reminds the donor short of their budget once, with the amount missing and the deposit address', async () => {
    expect((await passTwice('2026-10-28T23:00:00Z')).map((report) => report.reminders)).toEqual([0, 0]);
    expect((await passTwice('2026-10-29T00:00:00Z')).map((report) => report.reminders)).toEqual([1, 0]);
    expect((await passTwice('2026-10-30T12:00:00Z')).map((report) => report.reminders)).toEqual([0, 0]);
    await deliver();
    const reminder = (await waitForMails(addresses.get(donors.fr.id)!, 2))[1];
    expect(reminder?.subject).toBe('Votre solde ne couvrira pas votre budget de octobre 2026');
    expect(reminder?.text).toContain('Il manque 3\u00a0DOGE');
    expect(reminder?.text).toContain(donors.fr.address);
    expect(reminder?.text).toContain(`${world.chain.uriScheme}:${donors.fr.address}?amount=3`);
    // The deposit QR: an inline PNG the HTML part shows, with a French text alternative.
    expect(reminder?.inline.map((part) => part.contentType)).toEqual(['image/png']);
    expect(reminder?.inline[0]?.size).toBeGreaterThan(100);
    expect(reminder?.html).toContain(`src="cid:${reminder?.inline[0]?.contentId}"`);
    expect(reminder?.html).toContain('alt="Code QR de votre adresse de dépôt, demandant 3\u00a0DOGE"');
    expect(await mailsTo(addresses.get(donors.en.id)!)).toHaveLength(1);
  });

  it('after the month is confirmed: statements to its donors, payouts sent and confirmed, and the unclaimed amount with its return date', async () => {
    const service = world.service();
    await service.execute(PERIOD);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    expect((await service.followConfirmations())[0]?.state).toBe('confirmed');

    const reports = await passTwice('2026-11-01T03:00:00Z');
    expect(reports.map((report) => report.statementMails)).toEqual([3, 0]);
    // payout.sent and payout.confirmed, recorded by the settlement, for the creator with an address.
    expect(reports.map((report) => report.eventMails)).toEqual([2, 0]);
    expect(reports.map((report) => report.operatorFired)).toEqual([0, 0]);
    await deliver();

    const english = (await waitForMails(addresses.get(donors.en.id)!, 2))[1];
    expect(english?.subject).toBe('Your kibble statement for October 2026');
    const paid = (await payoutTo(creators.fr))!;
    expect(english?.text).toContain(nb('your 2 flattr(s) shared 10 DOGE, of which 1 DOGE was the service fee'));
    expect(english?.text).toContain(nb(`: 4.5 DOGE, paid in ${paid.txid}:${paid.vout}`));
    expect(english?.text).toContain(nb(': 4.5 DOGE, kept until they add a payout address; it comes back to you on May 1, 2027 if they have not'));

    const french = (await waitForMails(addresses.get(donors.fr.id)!, 3))[2];
    expect(french?.subject).toBe('Votre relevé kibble de octobre 2026');
    expect(french?.text).toContain('vos 1 flattr(s) se sont partagé 3\u00a0DOGE, dont 0,3\u00a0DOGE de frais de service');

    const owed = (await waitForMails(addresses.get(creators.unclaimed.id)!, 2))[1];
    expect(owed?.subject).toBe(nb('kibble owes you 4.5 DOGE: add a payout address'));
    expect(owed?.text).toContain('If there is still none by May 1, 2027');

    const payoutMails = (await waitForMails(addresses.get(creators.fr.id)!, 3)).slice(1);
    // Sent within the same second: Mailpit's order between them is not theirs.
    expect(subjects(payoutMails).sort()).toEqual([nb('Votre versement de 7,2 DOGE pour octobre 2026 est confirmé'), nb('Votre versement de 7,2 DOGE pour octobre 2026 est envoyé')]);
    for (const mail of payoutMails) expect(mail.text).toContain(`Sortie de transaction : ${paid.txid}:${paid.vout}`);
  });

  it('the month made exactly the expected events and mails for each donor and creator, and a later pass adds none', async () => {
    expect((await passTwice('2026-11-02T03:00:00Z')).map((report) => report.eventMails + report.statementMails + report.reminders + report.digests)).toEqual([0, 0]);
    await deliver();
    const paid = (await payoutTo(creators.fr))!;
    const [thingFr, thingUnclaimed] = [things.fr, things.unclaimed];
    const credited = async (donor: Donor) => `deposit.credited:${(await depositOf(donor))._id}:1`;
    const flattred = (donor: Donor, thing: string) => `flattr.created:${PERIOD}:${donor.id}:${thing}`;
    const month = ['closed', 'planned', 'signed', 'broadcast', 'confirmed'].map((state) => `settlement.changed:${PERIOD}:${state}`);
    const payout = ['sent', 'confirmed'].map((kind) => `payout.${kind}:${paid.txid}:${paid.vout}:${creators.fr.id}`);
    const expected: Array<[Donor | Creator, string[], string[]]> = [
      [donors.en, [flattred(donors.en, thingFr), flattred(donors.en, thingUnclaimed), await credited(donors.en), ...month], [nb('Your deposit of 50 DOGE is credited'), 'Your kibble statement for October 2026']],
      [donors.fr, [flattred(donors.fr, thingFr), await credited(donors.fr), ...month], [nb('Votre dépôt de 3 DOGE est crédité'), 'Votre solde ne couvrira pas votre budget de octobre 2026', 'Votre relevé kibble de octobre 2026']],
      [creators.fr, [flattred(donors.en, thingFr), flattred(donors.fr, thingFr), ...month, ...payout], ['Vos flattrs du 3 oct. 2026', nb('Votre versement de 7,2 DOGE pour octobre 2026 est confirmé'), nb('Votre versement de 7,2 DOGE pour octobre 2026 est envoyé')]],
      [creators.unclaimed, [flattred(donors.en, thingUnclaimed), ...month], ['Your flattrs of Oct 3, 2026', nb('kibble owes you 4.5 DOGE: add a payout address')]],
    ];
    for (const [person, events, mails] of expected) {
      const recorded = (await recentEventsOf(person.id, 100)).map((event) => event.id);
      expect(recorded.sort()).toEqual([...events].sort());
      expect(subjects(await mailsTo(addresses.get(person.id)!)).sort()).toEqual([...mails].sort());
    }
  });

  it('tells the operator of an unreachable node once when it has lasted 5 minutes and once when it ends, by mail and as events', async () => {
    let nodeDown = true;
    const alerts = { ...options.operator, nodeTip: () => (nodeDown ? Promise.reject(new Error('connection refused')) : world.rpc.getBlockCount()), nodeTimeoutMs: 500 };
    const at = (iso: string) => {
      now = AT(iso);
      return runOperatorAlerts(alerts, deps);
    };
    expect(await at('2026-11-02T10:00:00Z')).toEqual({ fired: [], resolved: [] });
    expect(await at('2026-11-02T10:04:00Z')).toEqual({ fired: [], resolved: [] });
    const episode = 'node-unreachable@2026-11-02T10:00:00.000Z';
    expect(await at('2026-11-02T10:05:00Z')).toEqual({ fired: [episode], resolved: [] });
    expect(await at('2026-11-02T10:30:00Z')).toEqual({ fired: [], resolved: [] });
    nodeDown = false;
    expect(await at('2026-11-02T10:31:00Z')).toEqual({ fired: [], resolved: [episode] });
    expect(await at('2026-11-02T10:32:00Z')).toEqual({ fired: [], resolved: [] });

    const events = await EventModel.find({ kind: 'operator.alert' }).sort({ seq: 1 }).lean();
    expect(events.map((event) => [event._id, (event.data as { state?: string }).state])).toEqual([
      [`operator.alert:${episode}:fired`, 'fired'],
      [`operator.alert:${episode}:resolved`, 'resolved'],
    ]);
    await deliver();
    const mails = await waitForMails(operatorEmail, 2);
    expect(subjects(mails)).toEqual(['[kibble] The chain node does not answer', '[kibble] Resolved: node-unreachable']);
    expect(await MailOutboxModel.countDocuments({ kind: 'operator-alert' })).toBe(2);
  });
});

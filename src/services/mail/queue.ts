import { mailRecipientOf } from '../accounts/account-store';
import { isMailKind, mailLocaleOf, type AnyMailKind, type MailLocale } from './kinds';
import { insertMail } from './outbox-store';
import { isKindOff } from './preferences';
import { renderMail, type MailImage, type MailWords } from './templates';
import { accountSubject, addressSubject, unsubscribeUrl, type MailSubject } from './unsubscribe';

/**
 * queueMail: the one way to send a mail. It resolves the recipient, checks their preferences,
 * renders the mail in their language and inserts it into the outbox under the caller's
 * deterministic id; the mail worker (worker.ts) sends it. Queueing the same id again changes
 * nothing, so the step that decides to send a mail can be repeated safely.
 */

export interface MailToQueue {
  /** Deterministic, from what the mail is about (e.g. `deposit-credited:<txid>:<vout>`): the same mail, the same id. */
  id: string;
  /** An account's confirmed address, or a bare address (confirmation links, the operator's address). */
  to: { accountId: string } | { address: string };
  kind: AnyMailKind;
  /** Default: the account's mail language, else English. */
  locale?: MailLocale;
  /** Catalogue keys `<template>Subject` and `<template>Body` of the `mail` namespace. */
  template: string;
  /** The {{names}} of the template, as display-ready text. */
  data: Readonly<Record<string, string>>;
  /** A PNG shown in the HTML part (the deposit QR of a funding reminder), sent as an inline attachment. */
  image?: MailImage;
}

export interface MailQueueDeps {
  /** Links in mails start with it (config.publicUrl). */
  publicUrl: string;
  /** Signs the one-click unsubscribe links (config/derived-secrets.ts mailUnsubscribeKeyOf). */
  unsubscribeKey: Uint8Array;
  clock: () => Date;
  words?: MailWords;
}

export type QueueOutcome = 'queued' | 'already-queued' | 'skipped-no-address' | 'skipped-kind-off';

export async function queueMail(mail: MailToQueue, deps: MailQueueDeps): Promise<QueueOutcome> {
  const recipient = await recipientOf(mail);
  if (recipient === undefined) return 'skipped-no-address';
  if (isMailKind(mail.kind) && (await isKindOff(recipient.subject, mail.kind))) return 'skipped-kind-off';
  const locale = mail.locale ?? recipient.locale;
  const unsubscribe = isMailKind(mail.kind) ? unsubscribeUrl(deps.publicUrl, deps.unsubscribeKey, { subject: recipient.subject, kind: mail.kind }) : undefined;
  const links = {
    ...(unsubscribe === undefined ? {} : { unsubscribeUrl: unsubscribe }),
    ...(unsubscribe !== undefined && 'accountId' in mail.to ? { preferencesUrl: `${deps.publicUrl}/account/mail` } : {}),
  };
  const content = renderMail({ template: mail.template, kind: mail.kind, locale, data: mail.data, ...links, ...(mail.image === undefined ? {} : { image: mail.image }) }, deps.words);
  const outcome = await insertMail({
    id: mail.id,
    kind: mail.kind,
    accountId: 'accountId' in mail.to ? mail.to.accountId : undefined,
    address: recipient.address,
    locale,
    template: mail.template,
    ...content,
    unsubscribeUrl: unsubscribe,
    createdAt: deps.clock(),
  });
  return outcome === 'inserted' ? 'queued' : 'already-queued';
}

interface Recipient {
  address: string;
  subject: MailSubject;
  locale: MailLocale;
}

async function recipientOf(mail: MailToQueue): Promise<Recipient | undefined> {
  if ('address' in mail.to) return { address: mail.to.address, subject: addressSubject(mail.to.address), locale: 'en' };
  const account = await mailRecipientOf(mail.to.accountId);
  if (account === null || !account.confirmed || account.email === undefined) return undefined;
  return { address: account.email, subject: accountSubject(mail.to.accountId), locale: mailLocaleOf(account.locale) };
}

/** Whether a queued mail is still wanted when its turn comes (the kind may have been turned off since). */
export async function stillWanted(mail: { kind: AnyMailKind; accountId: string | undefined; address: string }): Promise<boolean> {
  if (!isMailKind(mail.kind)) return true;
  const subject = mail.accountId === undefined ? addressSubject(mail.address) : accountSubject(mail.accountId);
  return !(await isKindOff(subject, mail.kind));
}

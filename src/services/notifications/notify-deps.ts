import type { MailImage } from '../mail/templates';
import type { ChainProfile } from '../../chain/profiles';
import type { Logger } from '../../log';
import type { MailKind, MailLocale } from '../mail/kinds';

/** The languages people are told in (the mail core's locales). */
export type NotifyLocale = MailLocale;

/** A mail to queue: the mail core's queueMail input, as the notifications build it. */
export interface NotificationMail {
  /** Deterministic (notification-ids.ts): the same fact, the same id, queued once. */
  id: string;
  to: { accountId: string } | { address: string };
  /** Each is a preference of its recipient (the mail core's kinds). */
  kind: MailKind;
  locale: NotifyLocale;
  /** Catalogue keys `<template>Subject` and `<template>Body` of the `mail` namespace. */
  template: string;
  data: Readonly<Record<string, string>>;
  /** A PNG shown in the HTML part (the reminder's deposit QR). */
  image?: MailImage;
}

export interface NotifyDeps {
  /** Queues one mail (the mail core's queueMail); answers what it did, for the pass's report. */
  send(mail: NotificationMail): Promise<string>;
  /** The language an account reads its mail in. */
  localeOf(accountId: string): Promise<NotifyLocale>;
  chain: ChainProfile;
  serviceFeeBps: number;
  unclaimedMonths: number;
  /** Links in mails start with it. */
  publicUrl: string;
  clock: () => Date;
  log: Logger;
}

import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../i18n/locale';

/**
 * The kinds of mail kibble sends. Each kind in MAIL_KINDS is a preference: on by default, turned
 * off per account (or per bare address) from the preferences page or a mail's one-click
 * unsubscribe. The requested kinds are mails the person just asked for (a link to confirm an
 * address, a password reset): they obey no preference and carry no unsubscribe link.
 */
export const MAIL_KINDS = [
  'deposit-credited',
  'balance-reminder',
  'monthly-statement',
  'supporter-digest',
  'payout-sent',
  'payout-confirmed',
  'owed-no-address',
  'operator-alert',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** The kinds an account chooses on its page: operator alerts go to OPERATOR_EMAIL, not to accounts. */
export const ACCOUNT_MAIL_KINDS = MAIL_KINDS.filter((kind): kind is Exclude<MailKind, 'operator-alert'> => kind !== 'operator-alert');

export const REQUESTED_MAIL_KINDS = ['address-confirmation', 'password-reset'] as const;
export type RequestedMailKind = (typeof REQUESTED_MAIL_KINDS)[number];

export type AnyMailKind = MailKind | RequestedMailKind;

export function isMailKind(value: string): value is MailKind {
  return (MAIL_KINDS as readonly string[]).includes(value);
}

export function isRequestedMailKind(value: string): value is RequestedMailKind {
  return (REQUESTED_MAIL_KINDS as readonly string[]).includes(value);
}

/** Mails are written in the languages of the pages (src/i18n); English is the fallback. */
export type MailLocale = Locale;

export function mailLocaleOf(value: string | null | undefined): MailLocale {
  return (LOCALES as readonly string[]).includes(value ?? '') ? (value as MailLocale) : DEFAULT_LOCALE;
}

import { KibbleError } from '../../errors';
import { queueMail, type MailQueueDeps } from '../mail/queue';
import { mailLocaleOf, type MailLocale } from '../mail/kinds';
import { accountsWithConfirmedEmail, confirmEmail, findAccount, mailRecipientOf, removeEmail, storeEmail, storePasswordHash } from './account-store';
import { issueAccountToken, useAccountToken } from './account-tokens';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './accounts';
import { DEFAULT_PASSWORD_HASH_PARAMS, hashPassword, type PasswordHashParams } from './passwords';
import { revokeAllSessionsOf } from './sessions';

/**
 * An account's e-mail address and what it is for: a confirmation link before any mail goes to
 * it, and password reset by mail. Links carry single-use, expiring tokens (account-tokens.ts).
 */

export const CONFIRMATION_TTL_MS = 48 * 60 * 60_000;
export const RESET_TTL_MS = 30 * 60_000;
/** Short enough for any real address, long enough for none to be abuse (RFC 5321 caps a path at 256). */
export const EMAIL_MAX_LENGTH = 254;
const EMAIL_PATTERN = /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export interface EmailDeps extends MailQueueDeps {
  passwordHashing?: PasswordHashParams;
  confirmationTtlMs?: number;
  resetTtlMs?: number;
}

/** The address as stored and compared: trimmed and lower-cased (mail providers ignore the case). */
export function normalizeEmail(text: string): string {
  const email = text.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email)) {
    throw new KibbleError('validation-failed', 'address: an e-mail address such as alice@example.org');
  }
  return email;
}

export interface EmailStatus {
  address: string | undefined;
  confirmed: boolean;
  locale: MailLocale;
}

export async function emailStatus(accountId: string): Promise<EmailStatus> {
  const recipient = await mailRecipientOf(accountId);
  if (recipient === null) throw noSuchAccount();
  return { address: recipient.email, confirmed: recipient.confirmed, locale: mailLocaleOf(recipient.locale) };
}

/** Stores the address (unconfirmed) and mails it a confirmation link, in `locale`. */
export async function setEmailAddress(accountId: string, text: string, locale: MailLocale, deps: EmailDeps): Promise<EmailStatus> {
  const address = normalizeEmail(text);
  const account = await findAccount(accountId);
  if (account === null || !(await storeEmail(accountId, address, locale))) throw noSuchAccount();
  const now = deps.clock();
  const ttlMs = deps.confirmationTtlMs ?? CONFIRMATION_TTL_MS;
  const { token, hash } = await issueAccountToken('confirm-address', { accountId, address }, now, ttlMs);
  await queueMail(
    {
      id: `address-confirmation:${hash}`,
      to: { address },
      kind: 'address-confirmation',
      locale,
      template: 'addressConfirmation',
      data: { handle: account.handle, link: `${deps.publicUrl}/email/confirm?token=${token}`, hours: String(Math.round(ttlMs / 3_600_000)) },
    },
    deps,
  );
  return { address, confirmed: false, locale };
}

export async function removeEmailAddress(accountId: string): Promise<void> {
  await removeEmail(accountId);
}

/** Confirms the address a link was sent to; refused when used, expired, unknown or the account changed address since. */
export async function confirmEmailAddress(token: string, now: Date): Promise<{ accountId: string; address: string }> {
  const grant = await useAccountToken('confirm-address', token, now);
  if (grant === undefined || grant.address === undefined || !(await confirmEmail(grant.accountId, grant.address, now))) {
    throw new KibbleError('token-invalid', 'this link is not valid: it was used already, it expired, or the address changed since; ask for a new one');
  }
  return { accountId: grant.accountId, address: grant.address };
}

/**
 * Mails a reset link to every account whose confirmed address this is. Says nothing about
 * whether there was one: the caller answers the same either way (no account enumeration).
 */
export async function requestPasswordReset(text: string, deps: EmailDeps): Promise<void> {
  let address: string;
  try {
    address = normalizeEmail(text);
  } catch {
    return;
  }
  const now = deps.clock();
  const ttlMs = deps.resetTtlMs ?? RESET_TTL_MS;
  for (const account of await accountsWithConfirmedEmail(address)) {
    const { token, hash } = await issueAccountToken('password-reset', { accountId: account.id, address }, now, ttlMs);
    await queueMail(
      {
        id: `password-reset:${hash}`,
        to: { accountId: account.id },
        kind: 'password-reset',
        template: 'passwordReset',
        data: { handle: account.handle, link: `${deps.publicUrl}/password/reset?token=${token}`, minutes: String(Math.round(ttlMs / 60_000)) },
      },
      deps,
    );
  }
}

/** Sets the new password with a reset token (once), then signs every session of the account out. */
export async function resetPassword(token: string, password: string, deps: EmailDeps): Promise<{ accountId: string; revokedSessions: number }> {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new KibbleError('validation-failed', `password: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
  const grant = await useAccountToken('password-reset', token, deps.clock());
  if (grant === undefined) throw new KibbleError('token-invalid', 'this reset link is not valid: it was used already or it expired; ask for a new one');
  const passwordHash = await hashPassword(password, deps.passwordHashing ?? DEFAULT_PASSWORD_HASH_PARAMS);
  if (!(await storePasswordHash(grant.accountId, passwordHash))) throw noSuchAccount();
  const revokedSessions = await revokeAllSessionsOf(grant.accountId);
  return { accountId: grant.accountId, revokedSessions };
}

function noSuchAccount(): KibbleError {
  return new KibbleError('not-found', 'this account no longer exists');
}

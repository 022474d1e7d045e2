import { createHmac, timingSafeEqual } from 'node:crypto';
import { isMailKind, type MailKind } from './kinds';

/**
 * One-click unsubscribe links (RFC 8058). A link names who (`account:<id>` or `address:<address>`)
 * and which kind, signed with the unsubscribe key (config/derived-secrets.ts): anyone holding the
 * mail can turn that one kind off for that one recipient, and nothing else. The link does not
 * expire: an unsubscribe link in an old mail must still work.
 */

export type MailSubject = `account:${string}` | `address:${string}`;

export interface Unsubscribe {
  subject: MailSubject;
  kind: MailKind;
}

export function unsubscribeToken(key: Uint8Array, target: Unsubscribe): string {
  return `${Buffer.from(target.subject).toString('base64url')}.${target.kind}.${macOf(key, target)}`;
}

/** The target of a well-formed token signed with this key, else undefined. */
export function readUnsubscribeToken(key: Uint8Array, token: string): Unsubscribe | undefined {
  const match = /^([A-Za-z0-9_-]{1,400})\.([a-z-]{1,40})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (match === null) return undefined;
  const subject = Buffer.from(match[1] ?? '', 'base64url').toString('utf8');
  const kind = match[2] ?? '';
  if (!/^(account|address):./.test(subject) || !isMailKind(kind)) return undefined;
  const target = { subject: subject as MailSubject, kind };
  const expected = Buffer.from(macOf(key, target));
  const given = Buffer.from(match[3] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given) ? target : undefined;
}

export function unsubscribeUrl(publicUrl: string, key: Uint8Array, target: Unsubscribe): string {
  return `${publicUrl}/mail/unsubscribe?token=${unsubscribeToken(key, target)}`;
}

export function accountSubject(accountId: string): MailSubject {
  return `account:${accountId}`;
}

export function addressSubject(address: string): MailSubject {
  return `address:${address.toLowerCase()}`;
}

function macOf(key: Uint8Array, target: Unsubscribe): string {
  return createHmac('sha256', key).update(`${target.subject}\n${target.kind}`).digest('base64url');
}

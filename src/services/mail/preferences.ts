import { MailOptOutModel } from '../../db/mail-opt-out';
import { isDuplicateKeyError } from '../../db/errors';
import { MAIL_KINDS, type MailKind } from './kinds';
import type { MailSubject } from './unsubscribe';

/**
 * Mail preferences: every kind is on unless its recipient turned it off. The opt-outs collection's
 * owner. Turning off inserts `<subject>|<kind>`, turning on deletes it: both idempotent.
 */

export type MailPreferences = Record<MailKind, boolean>;

export async function isKindOff(subject: MailSubject, kind: MailKind): Promise<boolean> {
  return (await MailOptOutModel.exists({ _id: optOutId(subject, kind) })) !== null;
}

export async function setKindWanted(subject: MailSubject, kind: MailKind, wanted: boolean, now: Date): Promise<void> {
  if (wanted) {
    await MailOptOutModel.deleteOne({ _id: optOutId(subject, kind) });
    return;
  }
  try {
    await MailOptOutModel.create({ _id: optOutId(subject, kind), subject, kind, createdAt: now });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

export async function preferencesOf(subject: MailSubject): Promise<MailPreferences> {
  const off = new Set((await MailOptOutModel.find({ subject }, { kind: 1 }).lean()).map((row) => row.kind));
  return Object.fromEntries(MAIL_KINDS.map((kind) => [kind, !off.has(kind)])) as MailPreferences;
}

/** Sets every kind at once (the preferences page's form). */
export async function storePreferences(subject: MailSubject, preferences: Partial<MailPreferences>, now: Date): Promise<void> {
  for (const kind of MAIL_KINDS) {
    const wanted = preferences[kind];
    if (wanted !== undefined) await setKindWanted(subject, kind, wanted, now);
  }
}

function optOutId(subject: MailSubject, kind: MailKind): string {
  return `${subject}|${kind}`;
}

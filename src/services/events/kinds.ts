/**
 * The kinds of events the outbox carries. An event's id is `<kind>:<stable key>`, where the key
 * names the fact (a click's id, a deposit's txid:vout, a month and its state...), so the step that
 * records it can run again and record nothing new. Append new kinds at the end.
 */
export const EVENT_KINDS = [
  'flattr.created',
  'deposit.credited',
  'payout.sent',
  'payout.confirmed',
  'payout.reorged',
  'settlement.changed',
  'operator.alert',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/** The kinds an account's own endpoints can ask for: operator alerts go to the operator's endpoints only. */
export const ACCOUNT_EVENT_KINDS = EVENT_KINDS.filter((kind): kind is Exclude<EventKind, 'operator.alert'> => kind !== 'operator.alert');

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

/** The deterministic id of an event: the same fact always gets the same id. */
export function eventId(kind: EventKind, key: string): string {
  if (key === '') throw new Error(`event ${kind}: the key must not be empty`);
  return `${kind}:${key}`;
}

/** What an event may carry: plain JSON (amounts as decimal strings of whole coins). */
export type EventValue = string | number | boolean | null | readonly EventValue[] | { readonly [key: string]: EventValue };
export type EventData = Readonly<Record<string, EventValue>>;

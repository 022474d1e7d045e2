// Reads the mail caught by the Mailpit that global-setup.ts started, through its JSON API. Tests
// share that one catcher, so each sends to addresses of its own (`uniqueAddress`) and reads by
// recipient.
import { randomBytes } from 'node:crypto';

export const TEST_SMTP_URL_ENV = 'KIBBLE_TEST_SMTP_URL';
export const TEST_MAILPIT_URL_ENV = 'KIBBLE_TEST_MAILPIT_URL';

export interface CaughtMail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string[]>;
  /** Parts shown inside the HTML (cid: images). */
  inline: Array<{ contentType: string; contentId: string; size: number }>;
}

export function testSmtpUrl(): string {
  return required(TEST_SMTP_URL_ENV);
}

export function uniqueAddress(label: string): string {
  return `${label}-${randomBytes(5).toString('hex')}@kibble.test`;
}

/** Every mail caught for this address, oldest first. */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const found = (await api(`/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}&limit=50`)) as { messages: Array<{ ID: string }> };
  const mails = await Promise.all(found.messages.map((message) => caughtMail(message.ID)));
  return mails.reverse();
}

/** Polls (100 ms) until `count` mails reached the address; fails after `timeoutMs` saying what came. */
export async function waitForMails(address: string, count = 1, timeoutMs = 10_000): Promise<CaughtMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(address);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`expected ${count} mail(s) to ${address} within ${timeoutMs} ms, got ${mails.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first http(s) link of a mail's text that starts with `prefix`. */
export function linkIn(mail: CaughtMail, prefix: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (link === undefined) throw new Error(`no link starting with ${prefix} in:\n${mail.text}`);
  return link;
}

async function caughtMail(id: string): Promise<CaughtMail> {
  const [message, headers] = (await Promise.all([api(`/api/v1/message/${id}`), api(`/api/v1/message/${id}/headers`)])) as [
    { ID: string; To: Array<{ Address: string }>; Subject: string; Text: string; HTML: string; Inline: Array<{ ContentType: string; ContentID: string; Size: number }> | null },
    Record<string, string[]>,
  ];
  return { id: message.ID, to: message.To.map((to) => to.Address), subject: message.Subject, text: message.Text, html: message.HTML, headers, inline: (message.Inline ?? []).map((part) => ({ contentType: part.ContentType, contentId: part.ContentID, size: part.Size })) };
}

async function api(path: string): Promise<unknown> {
  const response = await fetch(`${required(TEST_MAILPIT_URL_ENV)}${path}`);
  if (!response.ok) throw new Error(`Mailpit ${path}: HTTP ${response.status}`);
  return response.json();
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: run with \`jest --selectProjects integration\` (its globalSetup starts Mailpit)`);
  return value;
}

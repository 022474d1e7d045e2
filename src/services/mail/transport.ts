import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { QueuedMail } from './outbox-store';

/**
 * Sending over SMTP with nodemailer (kept, widely used, speaks STARTTLS/SMTPS and auth for us).
 * A thin interface so the worker depends on "send this mail", not on nodemailer.
 */
export interface MailTransport {
  /** Resolves once the SMTP server accepted the mail; rejects with a MailSendError otherwise. */
  send(mail: QueuedMail): Promise<void>;
  close(): void;
}

export class MailSendError extends Error {
  constructor(
    message: string,
    /** A 5xx answer: the server will never take this mail, retrying is pointless. */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

/** Bounds on one SMTP conversation; the worker's stale-'sending' delay must exceed their sum. */
export const SMTP_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 30_000 } as const;

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_TIMEOUTS_MS.connection,
    greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
    socketTimeout: SMTP_TIMEOUTS_MS.socket,
  });
  const domain = /@([^>\s]+)>?$/.exec(from)?.[1] ?? 'kibble.invalid';
  return {
    async send(mail) {
      try {
        await transporter.sendMail({
          from,
          to: mail.address,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          // A data: image in the HTML (the reminder's deposit QR) goes as an inline cid: attachment, which mail clients show.
          attachDataUrls: true,
          // The same mail always has the same Message-ID: should it ever be sent twice (see
          // worker.ts), mail clients can tell it is one message.
          messageId: `<${createHash('sha256').update(mail.id).digest('hex').slice(0, 32)}@${domain}>`,
          headers: {
            'Auto-Submitted': 'auto-generated',
            ...(mail.unsubscribeUrl === undefined
              ? {}
              : { 'List-Unsubscribe': `<${mail.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }),
          },
        });
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        const message = error instanceof Error ? error.message : String(error);
        throw new MailSendError(message.slice(0, 300), typeof code === 'number' && code >= 500 && code < 600);
      }
    },
    close() {
      transporter.close();
    },
  };
}

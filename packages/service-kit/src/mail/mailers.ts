import type { Config, Mailer, MailMessage, Outbox } from '@gatehouse/core';
import { createTransport } from 'nodemailer';

/** Sends through the SMTP server of `SMTP_URL` (nodemailer: pooled connections, TLS, auth from the URL). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(message: MailMessage) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    async close() {
      transport.close();
    },
  };
}

/** How many messages the development outbox keeps. */
export const OUTBOX_SIZE = 50;

/**
 * Development without SMTP_URL: mail stays in this process, is logged in full (the links
 * in it included — development only, SEC-60) and is listed at /dev/outbox.
 */
export function outboxMailer(log: (line: string) => void): Mailer & Outbox {
  const messages: (MailMessage & { sentAt: Date })[] = [];
  return {
    kind: 'outbox',
    async send(message) {
      messages.unshift({ ...message, sentAt: new Date() });
      messages.length = Math.min(messages.length, OUTBOX_SIZE);
      log(`mail to ${message.to} (${message.kind}): ${message.subject}\n${message.text}`);
    },
    list: () => messages,
    async close() {},
  };
}

/**
 * The mailer the configuration asks for: SMTP when `SMTP_URL` is set; otherwise the
 * development outbox, or — in production — none (mail features say they are unavailable,
 * and no link is ever logged).
 */
export function mailerFromConfig(
  config: Pick<Config, 'env' | 'smtpUrl' | 'mailFrom'>,
  log: (line: string) => void = (line) => console.log(line),
): Mailer | null {
  if (config.smtpUrl) return smtpMailer(config.smtpUrl, config.mailFrom);
  if (config.env === 'production') return null;
  return outboxMailer(log);
}

/** True for the development outbox mailer (it has a `list`). */
export function isOutbox(mailer: Mailer | null | undefined): mailer is Mailer & Outbox {
  return mailer?.kind === 'outbox';
}

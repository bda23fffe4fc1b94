/** One plain-text mail. `kind` names it for logs and the outbox (`email.verify`, `password.reset`, …). */
export interface MailMessage {
  kind: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Where mail goes: an SMTP server (the nodemailer adapter) or, in development only, the
 * outbox page. Resolves once the message was handed over; rejects when it could not be.
 */
export interface Mailer {
  /** `smtp` sends for real; `outbox` keeps mail in this process for /dev/outbox (SEC-60). */
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** The development outbox: recent mail of this process, newest first. */
export interface Outbox {
  list(): readonly (MailMessage & { sentAt: Date })[];
}

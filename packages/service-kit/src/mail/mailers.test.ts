import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../testing/index.js';
import { isOutbox, mailerFromConfig, outboxMailer, smtpMailer } from './mailers.js';
import { type SmtpSink, startSmtpSink } from './smtp-sink.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => sink.close());

describe('mailers', () => {
  it('the SMTP mailer delivers to a real SMTP server, sender from MAIL_FROM', async () => {
    const mailer = smtpMailer(sink.url, 'Gatehouse <no-reply@id.example.com>');
    await mailer.send({
      kind: 'test',
      to: 'kim@example.com',
      subject: 'Hello Kim',
      text: 'Follow https://id.example.com/x?token=abc to continue.',
    });
    const mail = await sink.waitFor((m) => m.subject === 'Hello Kim');
    expect(mail.to).toEqual(['kim@example.com']);
    expect(mail.from).toBe('no-reply@id.example.com');
    expect(mail.text).toContain('https://id.example.com/x?token=abc');
    await mailer.close();
  });

  it('an unreachable SMTP server makes send reject (the caller decides what to tell)', async () => {
    const closed = await startSmtpSink();
    const url = closed.url;
    await closed.close();
    const mailer = smtpMailer(url, 'a@example.com');
    await expect(mailer.send({ kind: 't', to: 'b@example.com', subject: 's', text: 't' })).rejects.toThrow();
    await mailer.close();
  });

  it('the development outbox keeps and logs mail, newest first', async () => {
    const lines: string[] = [];
    const outbox = outboxMailer((line) => lines.push(line));
    await outbox.send({ kind: 'a', to: 'x@example.com', subject: 'first', text: 'one' });
    await outbox.send({ kind: 'b', to: 'y@example.com', subject: 'second', text: 'two' });
    expect(outbox.list().map((m) => m.subject)).toEqual(['second', 'first']);
    expect(lines.join('\n')).toContain('two');
  });

  it('config: SMTP_URL → SMTP; development without it → outbox; production without it → none', () => {
    expect(mailerFromConfig(testConfig({ SMTP_URL: sink.url }))?.kind).toBe('smtp');
    expect(isOutbox(mailerFromConfig(testConfig(), () => undefined))).toBe(true);
    const production = testConfig({
      GATEHOUSE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      DATABASE_URL: 'postgres://unused.invalid/x',
      REDIS_URL: 'redis://unused.invalid:6379',
      SEED_DEMO_DATA: 'false',
      GATEHOUSE_KEY_ENCRYPTION_KEY: 'test-key-encryption-key-0123456789abcdef',
    });
    expect(mailerFromConfig(production)).toBeNull();
    expect(production.mailFrom).toBe('Gatehouse <no-reply@id.example.com>');
  });
});

import { describe, expect, it } from 'vitest';
import { loggerOptions, redactUrl, requestLine } from './logger.js';

describe('log redaction', () => {
  it('blanks secret query parameters and keeps the rest', () => {
    expect(redactUrl('/cb?code=abc&state=xyz')).toBe('/cb?code=%5BRedacted%5D&state=xyz');
    expect(redactUrl('/x?ACCESS_TOKEN=t&client_secret=s')).not.toMatch(/=t&|=s$/);
    expect(redactUrl('/plain')).toBe('/plain');
    expect(redactUrl('/device?user_code=BCDF-GHJK')).toBe('/device?user_code=%5BRedacted%5D');
  });

  it('redacts credential headers and body fields', () => {
    const options = loggerOptions({ logLevel: 'info' }) as { redact: { paths: string[] } };
    for (const path of [
      'req.headers.authorization',
      'req.headers.cookie',
      'res.headers["set-cookie"]',
      '*.password',
      '*.client_secret',
      '*.refresh_token',
    ]) {
      expect(options.redact.paths).toContain(path);
    }
  });
});

describe('pretty request lines', () => {
  it('one short line per request, with secret query values blanked', () => {
    expect(requestLine('GET', '/login', 200, 3.4)).toBe('GET /login 200 3 ms');
    expect(requestLine('GET', '/cb?code=abc&state=s', 302, 12.6)).toBe(
      'GET /cb?code=%5BRedacted%5D&state=s 302 13 ms',
    );
  });
});

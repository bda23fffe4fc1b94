import type { Config } from '@gatehouse/core';
import type { FastifyServerOptions } from 'fastify';
import pinoPretty from 'pino-pretty';
import { requestLogMixin } from './request-logging.js';

/** Field names whose values are credentials wherever they appear (SEC-26). */
export const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  '_csrf',
  // RFC 8628: the device code is a bearer secret; the user code travels in /device?user_code=…
  'device_code',
  'user_code',
];

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'res.headers.location',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`].map((p) => p.replace(/\.(\S*-\S*)$/, '["$1"]'))),
];

const SECRET_QUERY = new Set(SECRET_FIELDS);

/** Request URLs are logged with secret-looking query values blanked out. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of params.keys()) {
    if (SECRET_QUERY.has(key.toLowerCase())) params.set(key, '[Redacted]');
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

export function loggerOptions(
  config: Pick<Config, 'logLevel'>,
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level: config.logLevel,
    mixin: requestLogMixin,
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    serializers: {
      req(request) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
        };
      },
    },
  };
}

/**
 * Development logs are for people: time, level and message on one line, without the
 * pid/hostname/request-object noise. Redaction happens before this stream sees a line.
 */
export function prettyLogStream(destination: NodeJS.WritableStream = process.stdout) {
  return pinoPretty({
    destination,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    // A person reading along needs the trace id (when tracing) but not the other fields.
    ignore: 'pid,hostname,reqId,req,res,responseTime,route,client_id,span_id',
  });
}

/** The one line a request leaves in pretty logs, e.g. `GET /login 200 3 ms` (secrets blanked). */
export function requestLine(method: string, url: string, status: number, elapsedMs: number): string {
  return `${method} ${redactUrl(url)} ${status} ${Math.round(elapsedMs)} ms`;
}

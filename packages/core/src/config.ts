/**
 * The one place configuration is defined: every key, its default and its rule.
 * `loadConfig` reads environment variables and throws `ConfigError` naming the
 * variable and the rule it broke; servers print that and exit.
 */

export type GatehouseEnv = 'development' | 'production';

export interface Config {
  port: number;
  host: string;
  /** Public base URL, no trailing slash. */
  issuer: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  databasePoolSize: number;
  dataDir: string;
  env: GatehouseEnv;
  adminToken: string | null;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshGraceSeconds: number;
  authCodeTtl: number;
  sessionTtl: number;
  quotaPerUnit: bigint;
  currency: string;
  /** The largest allowance a user may give one app (SEC-88), in CURRENCY as typed (e.g. `100.00`). */
  chargeLimitMax: string;
  /** Seconds a hold reserves money before it is released by itself (SEC-90). */
  holdTtl: number;
  /** Tries to deliver one webhook event, with exponential backoff between them. */
  webhookMaxAttempts: number;
  /** Days an audit event is kept before the retention job deletes it. */
  auditRetentionDays: number;
  logLevel: string;
  /** `pretty`: one short readable line per request (development); `json`: pino's JSON lines. */
  logFormat: 'pretty' | 'json';
  seedDemoData: boolean;
  demoAppUrl: string;
  /** Fastify `trustProxy`: false, or a comma-separated list of addresses/CIDRs of the gateway. */
  trustProxy: boolean | string;
  /** How long /readyz answers 503 after SIGTERM before the server stops accepting. */
  drainDelayMs: number;
  /** Port of the separate Prometheus `/metrics` listener; null: no metrics listener. */
  metricsPort: number | null;
  /** Address the metrics listener binds. */
  metricsHost: string;
  /** OTLP/HTTP collector; null: no tracing. */
  otelExporterEndpoint: string | null;
  /** HMAC key of the device cookie (SEC-34); null: a random key per process. */
  deviceCookieSecret: string | null;
  /**
   * Secret the private ID-token signing keys are encrypted under (SEC-42); null in
   * development when unset, meaning the fixed development key (`keyEncryptionSecret`).
   */
  keyEncryptionKey: string | null;
  /** Where mail goes (nodemailer SMTP URL); null: the development outbox, or no mail in production. */
  smtpUrl: string | null;
  /** The sender of every mail. */
  mailFrom: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly rule: string,
  ) {
    super(`Invalid configuration: ${variable} ${rule}`);
  }
}

type Env = Record<string, string | undefined>;

interface Setting<K extends keyof Config> {
  key: K;
  variable: string;
  /** Shown in the README's configuration table. */
  description: string;
  /**
   * The default as the README writes it, only where it is not simply the value `parse` gives
   * for an unset variable (which `documentedDefault` derives, so no default is written twice).
   */
  defaultText?: string;
  parse(raw: string | undefined, env: Env): Config[K];
}

const int =
  (min: number, max: number) =>
  (variable: string, fallback: number) =>
  (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) throw new ConfigError(variable, `must be a whole number (got "${raw}")`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(variable, `must be between ${min} and ${max} (got ${n})`);
    return n;
  };

const seconds = int(1, 10 * 365 * 86400);

function bool(variable: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(variable, `must be true or false (got "${raw}")`);
}

/** `redis+cluster://[auth@]host:port,host:port` — not a WHATWG URL (several hosts), so checked here. */
const CLUSTER_URL = /^rediss?\+cluster:\/\/(?:[^@/]*@)?[^,/?#:]+:\d{1,5}(?:,[^,/?#:]+:\d{1,5})*\/?$/;

function url(variable: string, raw: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(variable, `must be an absolute URL (got "${raw}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(variable, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

function optional(raw: string | undefined): string | null {
  return raw === undefined || raw === '' ? null : raw;
}

function envName(env: Env): GatehouseEnv {
  const raw = env.GATEHOUSE_ENV ?? 'development';
  if (raw !== 'development' && raw !== 'production') {
    throw new ConfigError('GATEHOUSE_ENV', `must be "development" or "production" (got "${raw}")`);
  }
  return raw;
}

function portOf(env: Env): number {
  return int(0, 65535)('PORT', 3000)(env.PORT);
}

/**
 * Measured on the benchmark with prepared statements: 4 and 8 connections serve the token
 * endpoint and userinfo alike, 16 is 10–15 % slower (bench/README.md). 8 leaves room for a
 * slow transaction without starving the hot path.
 */
export const DEFAULT_DATABASE_POOL_SIZE = 8;

export const settings: { [K in keyof Config]: Setting<K> }[keyof Config][] = [
  {
    key: 'port',
    variable: 'PORT',
    description: 'TCP port to listen on (0 picks a free one).',
    parse: (_raw, env) => portOf(env),
  },
  {
    key: 'host',
    variable: 'HOST',
    description: 'Address to bind. Use 0.0.0.0 in containers.',
    parse: (raw) => raw || '127.0.0.1',
  },
  {
    key: 'issuer',
    variable: 'ISSUER',
    description: 'Public base URL of the provider; the `iss` of every response. Must be https in production.',
    defaultText: 'http://localhost:$PORT',
    parse: (raw, env) => {
      const value = (raw || `http://localhost:${portOf(env)}`).replace(/\/+$/, '');
      url('ISSUER', value, ['http:', 'https:']);
      if (envName(env) === 'production' && !value.startsWith('https://')) {
        throw new ConfigError('ISSUER', 'must be an https URL in production');
      }
      return value;
    },
  },
  {
    key: 'databaseUrl',
    variable: 'DATABASE_URL',
    description: 'Postgres connection URL. Unset: embedded PGlite under DATA_DIR (development only).',
    parse: (raw, env) => {
      const value = optional(raw);
      if (value) url('DATABASE_URL', value, ['postgres:', 'postgresql:']);
      if (!value && envName(env) === 'production') {
        throw new ConfigError(
          'DATABASE_URL',
          'is required in production (embedded PGlite is for development)',
        );
      }
      return value;
    },
  },
  {
    key: 'databasePoolSize',
    variable: 'DATABASE_POOL_SIZE',
    description:
      "Postgres connections per process. Keep processes × pool below the server's max_connections (100 by default).",
    parse: (raw) => int(1, 100)('DATABASE_POOL_SIZE', DEFAULT_DATABASE_POOL_SIZE)(raw),
  },
  {
    key: 'redisUrl',
    variable: 'REDIS_URL',
    description:
      'Redis connection URL (`redis://`, `rediss://`); `redis+cluster://host1:port1,host2:port2` (or `rediss+cluster://`) names a Redis Cluster by some of its nodes. Unset: in-memory cache (single process, development only).',
    parse: (raw, env) => {
      const value = optional(raw);
      if (value && !CLUSTER_URL.test(value)) url('REDIS_URL', value, ['redis:', 'rediss:']);
      if (!value && envName(env) === 'production') {
        throw new ConfigError(
          'REDIS_URL',
          'is required in production (the in-memory cache is for development)',
        );
      }
      return value;
    },
  },
  {
    key: 'dataDir',
    variable: 'DATA_DIR',
    description:
      'Where embedded PGlite keeps its data. Under `pnpm start` the default is services/stack/.data; a path you set is relative to where you run the command.',
    parse: (raw) => raw || './.data',
  },
  {
    key: 'env',
    variable: 'GATEHOUSE_ENV',
    description:
      '`development` or `production`. Production refuses embedded stores, http issuers and demo data.',
    parse: (_raw, env) => envName(env),
  },
  {
    key: 'adminToken',
    variable: 'GATEHOUSE_ADMIN_TOKEN',
    description:
      'Bearer token for `/api/admin/*` and the CLI. Unset: the admin API is off (404 saying so). At least 32 characters.',
    parse: (raw) => {
      const value = optional(raw);
      if (value !== null && value.length < 32) {
        throw new ConfigError('GATEHOUSE_ADMIN_TOKEN', 'must be at least 32 characters long');
      }
      return value;
    },
  },
  {
    key: 'accessTokenTtl',
    variable: 'ACCESS_TOKEN_TTL',
    description: 'Access token lifetime in seconds.',
    parse: (raw) => seconds('ACCESS_TOKEN_TTL', 7200)(raw),
  },
  {
    key: 'refreshTokenTtl',
    variable: 'REFRESH_TOKEN_TTL',
    description: 'Absolute lifetime of a refresh-token family in seconds; rotation never extends it.',
    parse: (raw) => seconds('REFRESH_TOKEN_TTL', 2592000)(raw),
  },
  {
    key: 'refreshGraceSeconds',
    variable: 'REFRESH_GRACE_SECONDS',
    description:
      'Window in which an exact retry of a just-rotated refresh token is not treated as reuse (0 = off).',
    parse: (raw) => int(0, 60)('REFRESH_GRACE_SECONDS', 0)(raw),
  },
  {
    key: 'authCodeTtl',
    variable: 'AUTH_CODE_TTL',
    description: 'Authorization code lifetime in seconds.',
    parse: (raw) => int(1, 600)('AUTH_CODE_TTL', 60)(raw),
  },
  {
    key: 'sessionTtl',
    variable: 'SESSION_TTL',
    description: 'Browser session lifetime in seconds.',
    parse: (raw) => seconds('SESSION_TTL', 43200)(raw),
  },
  {
    key: 'quotaPerUnit',
    variable: 'QUOTA_PER_UNIT',
    description: 'Quota units per one unit of CURRENCY.',
    parse: (raw) => BigInt(int(1, 1_000_000_000)('QUOTA_PER_UNIT', 500000)(raw)),
  },
  {
    key: 'currency',
    variable: 'CURRENCY',
    description: 'ISO 4217 code shown with balances.',
    parse: (raw) => {
      const value = raw || 'USD';
      if (!/^[A-Z]{3}$/.test(value))
        throw new ConfigError('CURRENCY', `must be three capital letters (got "${value}")`);
      return value;
    },
  },
  {
    key: 'chargeLimitMax',
    variable: 'CHARGE_LIMIT_MAX',
    description:
      'Largest allowance (in CURRENCY, e.g. `100.00`) a user may give one app for the `charge` scope.',
    parse: (raw) => {
      const value = raw || '100.00';
      if (!/^\d{1,12}(\.\d{1,2})?$/.test(value) || /^0+(\.0*)?$/.test(value))
        throw new ConfigError(
          'CHARGE_LIMIT_MAX',
          `must be a positive amount with at most two decimals (got "${value}")`,
        );
      return value;
    },
  },
  {
    key: 'holdTtl',
    variable: 'HOLD_TTL',
    description: 'Seconds a hold (a charge with `capture: false`) reserves money before it is released.',
    parse: (raw) => int(60, 30 * 86400)('HOLD_TTL', 86400)(raw),
  },
  {
    key: 'webhookMaxAttempts',
    variable: 'WEBHOOK_MAX_ATTEMPTS',
    description:
      'Tries to deliver one webhook event; retries wait 7.5–15 min, then about twice as long each time (8 tries span ≈ 24 h).',
    parse: (raw) => int(1, 20)('WEBHOOK_MAX_ATTEMPTS', 8)(raw),
  },
  {
    key: 'auditRetentionDays',
    variable: 'AUDIT_RETENTION_DAYS',
    description:
      'Days an audit event is kept; the retention job (every 10 minutes) deletes older ones. The ledger is never deleted.',
    parse: (raw) => int(1, 100 * 365)('AUDIT_RETENTION_DAYS', 400)(raw),
  },
  {
    key: 'logLevel',
    variable: 'LOG_LEVEL',
    description: 'pino log level.',
    parse: (raw) => {
      const value = raw || 'info';
      const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
      if (!levels.includes(value)) throw new ConfigError('LOG_LEVEL', `must be one of ${levels.join(', ')}`);
      return value;
    },
  },
  {
    key: 'logFormat',
    variable: 'LOG_FORMAT',
    description:
      '`pretty` (one short line per request, for people) or `json` (one JSON object per line, for log shippers).',
    defaultText: 'pretty in development, json in production',
    parse: (raw, env) => {
      const value = raw || (envName(env) === 'production' ? 'json' : 'pretty');
      if (value !== 'pretty' && value !== 'json')
        throw new ConfigError('LOG_FORMAT', `must be "pretty" or "json" (got "${value}")`);
      return value;
    },
  },
  {
    key: 'seedDemoData',
    variable: 'SEED_DEMO_DATA',
    description: 'Seed a demo user and demo client on an empty database. Refused in production.',
    defaultText: 'true in development',
    parse: (raw, env) => {
      const production = envName(env) === 'production';
      const value = bool('SEED_DEMO_DATA', raw, !production);
      if (value && production) throw new ConfigError('SEED_DEMO_DATA', 'must be false in production');
      return value;
    },
  },
  {
    key: 'demoAppUrl',
    variable: 'DEMO_APP_URL',
    description:
      'Base URL of the demo app; the seeded demo client redirects to `$DEMO_APP_URL/oauth/callback`.',
    defaultText: 'http://localhost:$DEMO_APP_PORT',
    parse: (raw, env) =>
      url('DEMO_APP_URL', (raw || `http://localhost:${env.DEMO_APP_PORT || 3001}`).replace(/\/+$/, ''), [
        'http:',
        'https:',
      ]),
  },
  {
    key: 'trustProxy',
    variable: 'TRUST_PROXY',
    description:
      'Honour X-Forwarded-* only from these gateway addresses/CIDRs (comma-separated), or `false`.',
    parse: (raw) => {
      if (raw === undefined || raw === '' || raw === 'false') return false;
      if (raw === 'true')
        throw new ConfigError('TRUST_PROXY', 'must name the gateway addresses, not trust everyone');
      return raw;
    },
  },
  {
    key: 'drainDelayMs',
    variable: 'DRAIN_DELAY_MS',
    description:
      "After SIGTERM, how long /readyz answers 503 (while requests are still served) before the server closes; keep it above the gateway's probe interval.",
    parse: (raw) => int(0, 120_000)('DRAIN_DELAY_MS', 0)(raw),
  },
  {
    key: 'metricsPort',
    variable: 'METRICS_PORT',
    description:
      'Port of a separate listener serving Prometheus metrics at `/metrics` (never routed by the gateway; 0 picks a free one). Unset: no metrics listener.',
    parse: (raw) => (optional(raw) === null ? null : int(0, 65535)('METRICS_PORT', 0)(raw)),
  },
  {
    key: 'metricsHost',
    variable: 'METRICS_HOST',
    description:
      'Address the metrics listener binds. Use 0.0.0.0 in containers, on a network only Prometheus reaches.',
    parse: (raw) => raw || '127.0.0.1',
  },
  {
    key: 'otelExporterEndpoint',
    variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    description:
      'OpenTelemetry collector (OTLP over HTTP, e.g. `http://otel-collector:4318`): each service sends request, core-step and store spans to `<endpoint>/v1/traces` and accepts W3C `traceparent` from the gateway; log lines then carry `trace_id`. Unset: no tracing.',
    parse: (raw) => {
      const value = optional(raw);
      if (value) url('OTEL_EXPORTER_OTLP_ENDPOINT', value, ['http:', 'https:']);
      return value;
    },
  },
  {
    key: 'deviceCookieSecret',
    variable: 'DEVICE_COOKIE_SECRET',
    description:
      'Key that signs the device cookie, which exempts recognised devices from account-wide login throttling. At least 32 characters; the same on every process. Unset: a random key per process (devices are recognised until restart).',
    parse: (raw) => {
      const value = optional(raw);
      if (value !== null && value.length < 32) {
        throw new ConfigError('DEVICE_COOKIE_SECRET', 'must be at least 32 characters long');
      }
      return value;
    },
  },
  {
    key: 'keyEncryptionKey',
    variable: 'GATEHOUSE_KEY_ENCRYPTION_KEY',
    description:
      'Secret that encrypts the ID-token signing keys stored in the database; at least 32 characters. Required in production; unset in development: a fixed development key (the banner says so). Changing it makes stored keys unreadable.',
    parse: (raw, env) => {
      const value = optional(raw);
      if (value !== null && value.length < 32) {
        throw new ConfigError('GATEHOUSE_KEY_ENCRYPTION_KEY', 'must be at least 32 characters long');
      }
      if (value === null && envName(env) === 'production') {
        throw new ConfigError(
          'GATEHOUSE_KEY_ENCRYPTION_KEY',
          'is required in production (e.g. `openssl rand -base64 48`)',
        );
      }
      return value;
    },
  },
  {
    key: 'smtpUrl',
    variable: 'SMTP_URL',
    description:
      'Mail server for verification and password-reset mail (`smtp://user:pass@host:587`, `smtps://…`). Unset in development: mail is logged and shown at /dev/outbox; unset in production: no mail is sent and e-mail verification and password reset say they are unavailable.',
    parse: (raw) => {
      const value = optional(raw);
      if (value) url('SMTP_URL', value, ['smtp:', 'smtps:']);
      return value;
    },
  },
  {
    key: 'mailFrom',
    variable: 'MAIL_FROM',
    description: 'Sender address of the mail Gatehouse sends.',
    defaultText: 'Gatehouse <no-reply@ISSUER host>',
    parse: (raw, env) => {
      if (raw) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: a header value must not carry line breaks
        if (/[\x00-\x1f\x7f]/.test(raw))
          throw new ConfigError('MAIL_FROM', 'must not contain control characters');
        if (!raw.includes('@'))
          throw new ConfigError(
            'MAIL_FROM',
            `must be an address such as Gatehouse <no-reply@example.com> (got "${raw}")`,
          );
        return raw;
      }
      const issuer = (env.ISSUER || `http://localhost:${portOf(env)}`).replace(/\/+$/, '');
      let host = 'localhost';
      try {
        host = new URL(issuer).hostname;
      } catch {
        // ISSUER's own rule reports a bad URL.
      }
      return `Gatehouse <no-reply@${host}>`;
    },
  },
];

/**
 * The development key-encryption secret, used only when GATEHOUSE_KEY_ENCRYPTION_KEY is unset
 * outside production: it is in the source, so keys encrypted under it protect nothing.
 */
export const DEVELOPMENT_KEY_ENCRYPTION_SECRET =
  'gatehouse-development-key-encryption-key-do-not-use-in-production';

/** The secret signing keys are encrypted under: the configured one, else the development one. */
export function keyEncryptionSecret(config: Pick<Config, 'keyEncryptionKey'>): string {
  return config.keyEncryptionKey ?? DEVELOPMENT_KEY_ENCRYPTION_SECRET;
}

/** The default the README's table shows for a setting. */
export function documentedDefault(setting: (typeof settings)[number]): string {
  if (setting.defaultText !== undefined) return setting.defaultText;
  const value = setting.parse(undefined, {});
  return value === null ? '(unset)' : String(value);
}

export function loadConfig(env: Env = process.env): Config {
  const config: Partial<Record<keyof Config, unknown>> = {};
  for (const setting of settings) {
    config[setting.key] = setting.parse(env[setting.variable], env);
  }
  return config as Config;
}

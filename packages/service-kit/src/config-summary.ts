import { resolve } from 'node:path';
import type { Config } from '@gatehouse/core';

/** A connection URL without its password, for people to read (`postgres@db:5432/gatehouse`). */
function withoutSecret(raw: string): string {
  const url = new URL(raw);
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${user}${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/**
 * What a start-up banner says about the configuration: where data lives (real paths and
 * hosts, never a password), whether the admin API is on and how to turn it on. The admin
 * API has no default token on purpose: an operator chooses one.
 */
export function configSummary(
  config: Pick<
    Config,
    'env' | 'databaseUrl' | 'dataDir' | 'redisUrl' | 'adminToken' | 'smtpUrl' | 'mailFrom' | 'issuer'
  >,
): string[] {
  const database = config.databaseUrl
    ? `Postgres ${withoutSecret(config.databaseUrl)}`
    : `embedded PGlite in ${resolve(config.dataDir)}`;
  const cache = config.redisUrl
    ? `Redis ${withoutSecret(config.redisUrl)}`
    : 'in-memory (this process only; sessions end when it stops)';
  const admin = config.adminToken
    ? 'on at /api/admin/* (the CLI reads the same GATEHOUSE_ADMIN_TOKEN)'
    : 'off; to use it and the CLI, start with GATEHOUSE_ADMIN_TOKEN set (32+ random characters)';
  const mail = config.smtpUrl
    ? `SMTP ${withoutSecret(config.smtpUrl)} (from ${config.mailFrom})`
    : config.env === 'production'
      ? 'off: no SMTP_URL, so e-mail verification and password reset are unavailable'
      : `development outbox (logged, and listed at ${config.issuer}/dev/outbox)`;
  return [
    `  mode:      ${config.env}`,
    `  database:  ${database}`,
    `  cache:     ${cache}`,
    `  admin API: ${admin}`,
    `  mail:      ${mail}`,
  ];
}

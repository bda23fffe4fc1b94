import { randomBytes } from 'node:crypto';

/** The demo app's settings, from the environment (defaults match the provider's development seed). */
export interface DemoConfig {
  /** Gatehouse's base URL (`GATEHOUSE_ISSUER`; by default the provider's own `ISSUER`/`PORT`). */
  issuer: string;
  clientId: string;
  /** Server side only. */
  clientSecret: string;
  port: number;
  host: string;
  /** This app's public base URL (`DEMO_APP_URL`), without a trailing slash. */
  appUrl: string;
  /** `${appUrl}/oauth/callback`, registered with Gatehouse. */
  redirectUri: string;
  /** Signs the session cookie. Random per process unless `DEMO_SESSION_SECRET` is set. */
  sessionSecret: string;
  /** Verifies Gatehouse's webhooks (`DEMO_WEBHOOK_SECRET`, the `whsec_…` the console showed once). */
  webhookSecret: string;
}

/** The development client seeded by Gatehouse (services/stack/src/seed.ts). Never use it in production. */
export const DEVELOPMENT_CLIENT = {
  clientId: 'gh_demo_app',
  clientSecret: 'gth_cs_demo-app-development-secret-do-not-use-in-production',
  /** The signing secret the seed gives the client's webhook (a published development value). */
  webhookSecret: 'whsec_ZGVtby1hcHAtd2ViaG9vay1zZWNyZXQtZGV2LW9ubHk=',
} as const;

function webhookSecret(value: string | undefined): string {
  if (value === undefined || value === '') return DEVELOPMENT_CLIENT.webhookSecret;
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    throw new Error('DEMO_WEBHOOK_SECRET must be the whsec_… signing secret Gatehouse showed');
  }
  return value;
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65_535) {
    throw new Error(`${name} must be an integer between 0 and 65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function baseUrl(name: string, value: string | undefined, fallback: string): string {
  const text = value === undefined || value === '' ? fallback : value;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name} must be an absolute URL, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${name} must be http(s), got ${text}`);
  return text.replace(/\/+$/, '');
}

/**
 * `pnpm start` hands one environment to the provider and this app, so this app never reads
 * the provider's `PORT`/`HOST`: it has its own `DEMO_APP_*` variables, and finds the provider
 * where the provider's own variables put it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const listenPort = port('DEMO_APP_PORT', env.DEMO_APP_PORT, 3001);
  const appUrl = baseUrl('DEMO_APP_URL', env.DEMO_APP_URL, `http://localhost:${listenPort || 3001}`);
  const providerPort = port('PORT', env.PORT, 3000);
  return {
    issuer: baseUrl(
      'GATEHOUSE_ISSUER',
      env.GATEHOUSE_ISSUER || env.ISSUER,
      `http://localhost:${providerPort}`,
    ),
    clientId: env.DEMO_CLIENT_ID || DEVELOPMENT_CLIENT.clientId,
    clientSecret: env.DEMO_CLIENT_SECRET || DEVELOPMENT_CLIENT.clientSecret,
    port: listenPort,
    host: env.DEMO_APP_HOST || 'localhost',
    appUrl,
    redirectUri: `${appUrl}/oauth/callback`,
    sessionSecret: env.DEMO_SESSION_SECRET || randomBytes(32).toString('base64url'),
    webhookSecret: webhookSecret(env.DEMO_WEBHOOK_SECRET),
  };
}

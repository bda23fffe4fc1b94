import { type Config, type Stores, sha256Hex } from '@gatehouse/core';
import { appWebhookSettings, setAppWebhookUrl } from '@gatehouse/core/webhooks';
import { hashPassword } from '@gatehouse/service-kit';

/** Well-known development credentials: seeded only in development, only into an empty database. */
export const DEMO = {
  username: 'demo',
  email: 'demo@gatehouse.localhost',
  password: 'demo-password',
  /** 750.00 USD at the default 500 000 quota per unit. */
  startingQuota: 375_000_000n,
  clientId: 'gh_demo_app',
  clientSecret: 'gth_cs_demo-app-development-secret-do-not-use-in-production',
  clientName: 'Demo App',
  /** The demo app's webhook receiver, under DEMO_APP_URL (examples/demo-app/src/webhooks.ts). */
  webhookPath: '/webhooks/gatehouse',
  /** The published development signing secret the demo app verifies with by default. */
  webhookSecret: 'whsec_ZGVtby1hcHAtd2ViaG9vay1zZWNyZXQtZGV2LW9ubHk=',
} as const;

export interface SeedResult {
  seeded: boolean;
  redirectUri: string;
  /** The demo client's webhook URL; null when none was seeded (DEMO_APP_URL is plain http off loopback). */
  webhookUrl: string | null;
}

/**
 * Seeds a demo user with a balance and a confidential demo client for the demo app.
 * Runs only in development with SEED_DEMO_DATA on, and only when no user exists, so
 * it never touches real data (config refuses SEED_DEMO_DATA in production).
 */
export async function seedDemoData(stores: Stores, config: Config): Promise<SeedResult> {
  const redirectUri = `${config.demoAppUrl}/oauth/callback`;
  if (config.env !== 'development' || !config.seedDemoData || !(await stores.db.users.isEmpty())) {
    return { seeded: false, redirectUri, webhookUrl: null };
  }
  const user = await stores.db.users.create({
    username: DEMO.username,
    email: DEMO.email,
    passwordHash: await hashPassword(DEMO.password),
  });
  await stores.db.ledger.apply({
    userId: user.id,
    amount: DEMO.startingQuota,
    kind: 'credit',
    reference: 'demo seed',
    idempotencyKey: 'demo-seed',
    actor: 'seed',
  });
  const client = await stores.db.clients.create({
    clientId: DEMO.clientId,
    secretHash: sha256Hex(DEMO.clientSecret),
    name: DEMO.clientName,
    description: 'The example third-party app in examples/demo-app.',
    homepageUrl: config.demoAppUrl,
    redirectUris: [redirectUri, `${config.demoAppUrl}/oauth/callback.html`],
    allowedScopes: ['profile', 'balance'],
    ownerUserId: user.id,
    trusted: false,
  });
  // The demo app's "Buy a premium feature" spends from the balance: `charge` is the
  // administrator's decision (SEC-85), taken here for the development client only.
  await stores.db.clients.update(client.id, {
    chargesEnabled: true,
    allowedScopes: ['profile', 'balance', 'charge'],
  });
  // The demo app's webhook log: its loopback receiver, by the developer API's own rules
  // (plain http only to loopback, only in development — SEC-93), with the known secret.
  const webhook = await setAppWebhookUrl(
    stores,
    appWebhookSettings(config),
    client.id,
    `${config.demoAppUrl}${DEMO.webhookPath}`,
    { secret: DEMO.webhookSecret },
  );
  await stores.db.audit.append({
    type: 'seed.demo_data',
    actor: 'seed',
    userId: user.id,
    clientId: DEMO.clientId,
  });
  return { seeded: true, redirectUri, webhookUrl: webhook.ok ? webhook.url : null };
}

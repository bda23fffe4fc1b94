/**
 * Spending from the balance, in a real Chromium: the demo app's "Enable purchases" asks for
 * `charge` with a suggested allowance, the consent page shows it prefilled, "Buy a premium
 * feature for 0.50" holds and captures, Gatehouse's /account shows the app's spending, and
 * an administrator's refund shows there too. With the job queue running, the demo app's
 * webhook log shows the hold and the capture, each verified with the SDK.
 */
import { appWebhookSettings, setAppWebhookUrl } from '@gatehouse/core/webhooks';
import { describe, expect, it } from 'vitest';
import { expectCleanPages, firstLogin, later, text, waitForPath } from './flows.js';
import { SKIP_BROWSER, useSuite } from './harness.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdefghijklmnop';

describe.skipIf(SKIP_BROWSER)('buying with the balance from the demo app (Chromium)', () => {
  const suite = useSuite({ env: { GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN }, jobs: true });

  it('enable purchases → allowance 5.00 prefilled at consent → buy for 0.50 → /account shows it → a refund shows too', async () => {
    const { world } = suite;
    const db = world.stack.stores.db;
    // What `gatehouse clients enable-charges` does: an administrator's decision.
    const client = (await db.clients.findByClientId(world.client.clientId))!;
    await db.clients.update(client.id, {
      chargesEnabled: true,
      allowedScopes: [...client.allowedScopes, 'charge'],
    });
    // What the development seed does for `pnpm start`: the demo client's webhook goes to the
    // demo app's receiver, signed with the secret the demo app verifies with.
    const webhook = await setAppWebhookUrl(
      world.stack.stores,
      appWebhookSettings(world.stack.config),
      client.id,
      world.webhook.url,
      { secret: world.webhook.secret },
    );
    expect(webhook.ok).toBe(true);

    const s = await suite.open('purchase');
    const user = await world.seedUser('grace');
    const page = await s.newPage();
    await firstLogin(s, page, user);

    // Signed in without `charge`: the app offers to enable purchases, not to buy.
    await page.getByRole('button', { name: 'Enable purchases' }).waitFor();
    expect(await page.getByRole('button', { name: 'Buy a premium feature for 0.50' }).isVisible()).toBe(
      false,
    );
    await page.getByRole('button', { name: 'Enable purchases' }).click();

    // Still signed in at Gatehouse: straight to the consent page, which asks for an allowance.
    await waitForPath(page, world.provider, '/api/oauth2/authorize');
    await page.getByRole('button', { name: 'Allow access' }).waitFor();
    expect(await text(page, 'ul.scopes')).toContain('Spend from your balance, up to the limit you set');
    expect(await page.getByLabel(/^Allowance/).inputValue()).toBe('5.00');
    expect(await page.getByLabel('Resets').inputValue()).toBe('month');
    await s.shot(page, 'provider-consent-allowance');
    await page.getByRole('button', { name: 'Allow access' }).click();
    await waitForPath(page, world.demo, '/');

    const buy = page.getByRole('button', { name: 'Buy a premium feature for 0.50' });
    await buy.waitFor();
    expect(await text(page, '#premium-allowance')).toBe('Spending limit: 5.00 of 5.00 USD left this month.');
    const answer = later(page.waitForResponse((r) => r.url() === `${world.demo}/api/purchase`));
    await buy.click();
    const purchase = await answer;
    expect(purchase.status()).toBe(200);
    const chargeId = ((await purchase.json()) as { charge: { id: string } }).charge.id;
    await page.locator('#purchase-result.success').waitFor();
    expect(await text(page, '#purchase-result')).toBe(
      'Premium feature unlocked: 0.50 USD paid from your balance.',
    );
    expect(await text(page, '#balance-amount')).toBe('749.50');
    expect(await text(page, '#premium-allowance')).toBe('Spending limit: 4.50 of 5.00 USD left this month.');
    await s.shot(page, 'demo-purchased');

    // The webhook log: the hold and its capture arrive (delivered by the job queue), verified.
    const log = page.locator('#webhook-log');
    for (let i = 0; i < 80; i++) {
      const types = await log
        .locator('li')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-type')));
      if (types.includes('charge.held') && types.includes('charge.captured')) break;
      await page.waitForTimeout(250);
      await page.getByRole('button', { name: 'Refresh log' }).click();
    }
    expect(await log.locator(`li[data-type="charge.held"]`).textContent()).toContain(`${chargeId} held`);
    expect(await log.locator(`li[data-type="charge.captured"]`).textContent()).toContain(
      `${chargeId} succeeded`,
    );
    await s.shot(page, 'demo-webhook-log');
    // A hold, then its capture: one charge, captured in full.
    expect(
      world.providerCalls
        .filter((c) => c.path.startsWith('/api/oauth2/charges'))
        .map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toEqual([`POST /api/oauth2/charges 201`, `POST /api/oauth2/charges/${chargeId}/capture 200`]);
    expect((await db.ledger.getBalance(user.id))?.quota).toBe(375_000_000n - 250_000n);

    // Gatehouse's account page: the app's spending, with the charge.
    const account = await s.newPage();
    await account.goto(`${world.provider}/account`);
    const spending = account.locator(`#spending-${world.client.clientId}`);
    await spending.waitFor();
    // (The heading is drawn in capitals by the stylesheet: its text is the app's name.)
    expect((await spending.locator('h3').textContent())?.trim()).toBe('Demo App');
    expect(await text(account, `#spending-${world.client.clientId} .allowance-limit`)).toContain('5.00');
    expect(await text(account, `#spending-${world.client.clientId} .allowance-used`)).toContain('0.50');
    expect(await text(account, `#spending-${world.client.clientId} .allowance-remaining`)).toContain('4.50');
    const row = `#charge-${chargeId}`;
    expect(await text(account, row)).toContain('Demo App premium feature');
    expect(await text(account, row)).toContain('Paid');
    expect(await text(account, row)).toContain('0.50');
    await s.shot(account, 'provider-account-spending');

    // An administrator refunds it on the user's behalf (support): /account lists the refund.
    const refund = await fetch(
      `${world.provider}/api/admin/charges/${encodeURIComponent(chargeId)}/refunds`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': `e2e-refund-${chargeId}`,
        },
        body: JSON.stringify({ reason: 'e2e refund' }),
      },
    );
    expect(refund.status).toBe(200);
    await account.reload();
    await spending.waitFor();
    expect(await text(account, row)).toContain('Refunded');
    const refundRow = await text(account, `${row} + tr.refund`);
    expect(refundRow).toContain('Refund');
    expect(refundRow).toContain('e2e refund');
    expect(refundRow).toContain('+0.50');
    expect(await text(account, `#spending-${world.client.clientId} .allowance-remaining`)).toContain('5.00');
    await s.shot(account, 'provider-account-refunded');
    expect((await db.ledger.getBalance(user.id))?.quota).toBe(375_000_000n);

    // Back in the demo app: the refreshed balance is whole again.
    await page.bringToFront();
    await page.getByRole('button', { name: 'Refresh balance' }).click();
    await page.waitForFunction(() => document.getElementById('balance-amount')?.textContent === '750.00');
    expectCleanPages(s);
  });
});

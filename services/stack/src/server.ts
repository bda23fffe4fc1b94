import { configSummary, runServer } from '@gatehouse/service-kit';
import { stackApp } from './app.js';
import { DEMO, seedDemoData } from './seed.js';

let seeded = false;

await runServer({
  name: 'gatehouse',
  register: async (app, options) => {
    await app.register(stackApp, options);
  },
  beforeListen: async (_app, { config, stores }) => {
    seeded = (await seedDemoData(stores, config)).seeded;
  },
  banner: ({ config }) => {
    const lines = [`Gatehouse is running at ${config.issuer}`, ...configSummary(config)];
    if (config.keyEncryptionKey === null) {
      lines.push(
        '  ID-token signing keys are encrypted with the built-in development key (set GATEHOUSE_KEY_ENCRYPTION_KEY)',
      );
    }
    if (config.env === 'development' && config.seedDemoData) {
      lines.push(
        `  ${seeded ? 'Seeded' : 'Demo data'}: sign in at ${config.issuer}/login as "${DEMO.username}" / "${DEMO.password}"`,
        `  Demo client: client_id=${DEMO.clientId} (redirects to ${config.demoAppUrl}/oauth/callback)`,
        `  Demo app:  ${config.demoAppUrl} (started by \`pnpm start\`, not by \`pnpm start:provider\`)`,
      );
    }
    return lines;
  },
});

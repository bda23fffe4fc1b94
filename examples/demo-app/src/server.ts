import { buildDemoApp, DEVELOPMENT_CLIENT, loadConfig } from './app.js';

const config = loadConfig();
const app = await buildDemoApp({ config, logger: { level: process.env.LOG_LEVEL ?? 'warn' } });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ port: config.port, host: config.host });
console.log(`Demo app running at ${config.appUrl}  (Gatehouse: ${config.issuer}, client ${config.clientId})`);
if (config.clientId === DEVELOPMENT_CLIENT.clientId) {
  console.log('Development client: click "One-click login" and sign in as demo / demo-password.');
}

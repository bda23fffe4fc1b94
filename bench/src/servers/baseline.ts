// Scenario 1's server, run as its own process: a bare Fastify 5 route returning a small JSON
// body — the ceiling for a Node HTTP service on this machine.
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 0);
const app = Fastify({ logger: false });

app.get('/', async () => ({ ok: true, service: 'baseline', version: 1 }));

await app.listen({ port, host: '127.0.0.1' });
console.log(`baseline listening on 127.0.0.1:${port}`);

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});

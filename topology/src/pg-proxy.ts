/**
 * A tiny TCP proxy between the services and Postgres, so a test can take "the database"
 * away without touching the machine's shared Postgres:
 *
 *   node dist/pg-proxy.js <listen port> <target port> [target host]
 *
 * SIGUSR1 simulates an outage: every open connection is cut and the port stops
 * listening (new connections are refused, as with a stopped server). SIGUSR2 listens
 * again. SIGTERM/SIGINT exit.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

const [listenPort, targetPort, targetHost = '127.0.0.1'] = [
  Number(process.argv[2]),
  Number(process.argv[3]),
  process.argv[4],
];
if (!Number.isInteger(listenPort) || !Number.isInteger(targetPort)) {
  console.error('usage: pg-proxy <listen port> <target port> [target host]');
  process.exit(2);
}

const open = new Set<Socket>();
let server: Server | null = null;

function track(socket: Socket): void {
  open.add(socket);
  socket.once('close', () => open.delete(socket));
}

function pipe(client: Socket): void {
  const upstream = connect(targetPort, targetHost);
  track(client);
  track(upstream);
  const cut = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', cut).on('close', cut);
  upstream.on('error', cut).on('close', cut);
  client.pipe(upstream);
  upstream.pipe(client);
}

function listen(): void {
  const next = createServer(pipe);
  next.on('error', (error) => {
    console.error(`pg-proxy: ${error.message}; retrying`);
    server = null;
    setTimeout(listen, 200);
  });
  next.listen(listenPort, '127.0.0.1', () => {
    console.log(`pg-proxy listening on 127.0.0.1:${listenPort} → ${targetHost}:${targetPort}`);
  });
  server = next;
}

process.on('SIGUSR1', () => {
  server?.close();
  server = null;
  for (const socket of open) socket.destroy();
  console.log('pg-proxy: outage (connections cut, port closed)');
});
process.on('SIGUSR2', () => {
  if (!server)
    // While "down" nothing else keeps the event loop alive; the signals must still arrive.
    setInterval(() => undefined, 60_000);
  listen();
  console.log('pg-proxy: restored');
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    for (const socket of open) socket.destroy();
    process.exit(0);
  });
}

// While "down" nothing else keeps the event loop alive; the signals must still arrive.
setInterval(() => undefined, 60_000);
listen();

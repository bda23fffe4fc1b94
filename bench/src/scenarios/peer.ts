import { fileURLToPath } from 'node:url';
import { Pool, Ring, runHttpLoad } from '../load.js';
import { type BenchOptions, poolSizeFor, wants } from '../options.js';
import { freePort, readMemory, type ServerProcess, startServer } from '../processes.js';
import type { ProcessReport } from '../report.js';
import { measure, type ScenarioResult } from '../scenario.js';
import { PEER_CLIENT, type PeerReply, type PeerRequest } from '../servers/peer-protocol.js';

/** The peer's refresh pool is sized for this rate (several times its expected throughput). */
const PEER_POOL_RATE = 5000;

/**
 * Scenario 7: node-oidc-provider 9 (in-memory adapter, one confidential client) in its own
 * process — its token endpoint (refresh grant with rotation) and its userinfo endpoint.
 */
export async function runPeer(
  options: BenchOptions,
): Promise<{ results: ScenarioResult[]; process: ProcessReport }> {
  const port = await freePort();
  const server = await startServer({
    name: 'peer (oidc-provider 9)',
    script: fileURLToPath(new URL('../servers/peer.js', import.meta.url)),
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    port,
    readyPath: '/.well-known/openid-configuration',
    ipc: true,
  });
  try {
    const refreshCount = wants(options, 'peer-refresh')
      ? (options.poolSize ??
        Math.min(
          poolSizeFor(options),
          Math.ceil(PEER_POOL_RATE * (options.duration + options.warmup)) + 4 * options.connections,
        ))
      : 0;
    const minted = await mint(server, {
      type: 'mint',
      refresh: refreshCount,
      access: Math.min(options.users, 1000),
      users: options.users,
    });
    const results: ScenarioResult[] = [];
    const clientAuth = `client_id=${encodeURIComponent(PEER_CLIENT.clientId)}&client_secret=${encodeURIComponent(PEER_CLIENT.clientSecret)}`;

    if (wants(options, 'peer-refresh')) {
      const pool = new Pool(minted.refresh);
      const form = (token: string) => `grant_type=refresh_token&refresh_token=${token}&${clientAuth}`;
      // Probe: one real rotation, checked for shape.
      const probe = await fetch(`${server.origin}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(pool.next()),
      });
      const body = (await probe.json()) as { access_token?: string; refresh_token?: string };
      if (probe.status !== 200 || !body.access_token || !body.refresh_token) {
        throw new Error(`peer refresh probe answered ${probe.status}: ${JSON.stringify(body)}`);
      }
      results.push(
        await measure(options, {
          id: 'peer-refresh',
          title: '7a peer: oidc-provider refresh grant + rotation',
          kind: 'peer-token',
          server,
          notes: [
            `refresh tokens scoped \`offline_access profile\`, without \`openid\`: no id_token is signed, as Gatehouse signs none; ${minted.refresh.length.toLocaleString('en-US')} pre-minted tokens and grants live in the peer's memory (part of its RSS)`,
          ],
          run: (seconds, phase) =>
            runHttpLoad(
              {
                origin: server.origin,
                method: 'POST',
                path: '/token',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                vary: () => ({ body: form(pool.next()) }),
                pool,
              },
              { connections: options.connections, duration: seconds, phase },
            ),
        }),
      );
    }

    if (wants(options, 'peer-userinfo')) {
      const ring = new Ring(minted.access);
      const probe = await fetch(`${server.origin}/me`, {
        headers: { authorization: `Bearer ${ring.next()}` },
      });
      const body = (await probe.json()) as { sub?: string };
      if (probe.status !== 200 || !body.sub)
        throw new Error(`peer userinfo probe answered ${probe.status}: ${JSON.stringify(body)}`);
      results.push(
        await measure(options, {
          id: 'peer-userinfo',
          title: '7b peer: oidc-provider userinfo',
          kind: 'peer-userinfo',
          server,
          run: (seconds, phase) =>
            runHttpLoad(
              {
                origin: server.origin,
                method: 'GET',
                path: '/me',
                vary: () => ({ headers: { authorization: `Bearer ${ring.next()}` } }),
              },
              { connections: options.connections, duration: seconds, phase },
            ),
        }),
      );
    }
    const memory = readMemory(server.pid);
    return {
      results,
      process: { name: server.name, rssAfterMb: memory?.rssMb ?? null, hwmMb: memory?.hwmMb ?? null },
    };
  } finally {
    await server.stop();
  }
}

function mint(server: ServerProcess, request: PeerRequest): Promise<{ refresh: string[]; access: string[] }> {
  process.stderr.write(
    `  minting ${request.refresh.toLocaleString('en-US')} refresh + ${request.access} access tokens in the peer…\n`,
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('peer did not mint in time')), 300_000);
    server.child.once('message', (reply: PeerReply) => {
      clearTimeout(timer);
      if (reply.type === 'minted') resolve(reply);
      else reject(new Error(`peer failed to mint: ${reply.message}`));
    });
    server.child.send(request);
  });
}

// Scenario 7's server, run as its own process: node-oidc-provider 9 with its in-memory adapter
// (or, with PEER_REDIS_URL, the Redis adapter in redis-adapter.ts: the durable peer) and one
// confidential client. The bench asks it over IPC to mint refresh and access tokens before the
// timed windows, the way the Gatehouse seeder pre-mints its own.
import { generateKeyPairSync } from 'node:crypto';
import { Redis } from 'ioredis';
import { Provider } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import { PEER_CLIENT, type PeerReply, type PeerRequest } from './peer-protocol.js';
import { RedisAdapter } from './redis-adapter.js';

const port = Number(process.env.PORT ?? 0);
const issuer = `http://127.0.0.1:${port}`;

// The provider's own MemoryAdapter class, verbatim; only its store is larger. The default store is
// an LRU of 1,000 entries, which would evict the pre-minted tokens before the bench presents them.
const redisUrl = process.env.PEER_REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl, { lazyConnect: false }) : null;
const store = redis ? null : new LRU({ maxSize: 50_000_000 });
const adapter = (model: string) => (redis ? new RedisAdapter(model, redis) : new MemoryAdapter(model, store));

// An RS256 key (the default algorithm). Signing is never on the measured paths — no id_token is
// issued, as refresh tokens carry no `openid` scope — but the provider needs a key.
const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  adapter,
  clients: [
    {
      client_id: PEER_CLIENT.clientId,
      client_secret: PEER_CLIENT.clientSecret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [PEER_CLIENT.redirectUri],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  async findAccount(_ctx: unknown, sub: string) {
    return {
      accountId: sub,
      async claims() {
        return { sub, name: `Bench User ${sub}`, preferred_username: `user${sub}` };
      },
    };
  },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  scopes: ['openid', 'offline_access', 'profile'],
  // Like Gatehouse: every refresh rotates, a replay revokes the grant.
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 7200,
    AuthorizationCode: 60,
    ClientCredentials: 7200,
    Grant: 30 * 86400,
    IdToken: 3600,
    Interaction: 3600,
    RefreshToken: 30 * 86400,
    Session: 86400,
  },
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key-0123456789'] },
  features: { devInteractions: { enabled: false } },
  clientBasedCORS: () => false,
});

async function mint(request: PeerRequest): Promise<PeerReply> {
  const client = await provider.Client.find(PEER_CLIENT.clientId);
  const authTime = Math.floor(Date.now() / 1000);
  // One grant per refresh token (each as if from its own authorization), one per user for access tokens.
  // In parallel batches: each save is a Redis round trip or three for the durable peer.
  const refresh: string[] = new Array(request.refresh);
  await inBatches(request.refresh, async (i) => {
    const accountId = String((i % request.users) + 1);
    const grant = new provider.Grant({ accountId, clientId: PEER_CLIENT.clientId });
    grant.addOIDCScope('offline_access profile');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty: 'authorization_code',
      scope: 'offline_access profile',
      authTime,
    });
    refresh[i] = await token.save();
  });
  const access: string[] = new Array(request.access);
  await inBatches(request.access, async (i) => {
    const accountId = String((i % request.users) + 1);
    const grant = new provider.Grant({ accountId, clientId: PEER_CLIENT.clientId });
    grant.addOIDCScope('openid profile');
    const grantId = await grant.save();
    const token = new provider.AccessToken({
      accountId,
      client,
      grantId,
      gty: 'authorization_code',
      scope: 'openid profile',
    });
    access[i] = await token.save();
  });
  return { type: 'minted', refresh, access };
}

async function inBatches(count: number, each: (i: number) => Promise<void>, width = 64): Promise<void> {
  for (let start = 0; start < count; start += width) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + width); i++) batch.push(each(i));
    await Promise.all(batch);
  }
}

process.on('message', (message: PeerRequest) => {
  if (message?.type !== 'mint') return;
  mint(message).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ type: 'error', message: (error as Error).stack ?? String(error) }),
  );
});

const server = provider.listen(port, '127.0.0.1');
console.log(`oidc-provider listening on ${issuer}`);
process.once('SIGTERM', () => {
  server.close(() => {
    if (redis) redis.quit().finally(() => process.exit(0));
    else process.exit(0);
  });
  // Keep-alive sockets from the load generator may hold close() open.
  setTimeout(() => process.exit(0), 1000).unref();
});

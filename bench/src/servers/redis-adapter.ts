// The durable peer's store: node-oidc-provider's adapter interface on Redis, in the standard
// shape of the provider's own Redis example — one key per model instance (`<Model>:<id>`),
// index keys for grants (`grant:<grantId>`, a list of the keys it issued), user codes and
// uids, each key expiring with its model's `expiresIn`, and single-use models consumed by
// setting a `consumed` field beside the payload. Every model the provider saves lives here,
// so a provider process restart loses nothing that Redis's append-only file kept.
import type { Redis } from 'ioredis';

/** Models that belong to a grant: revoking the grant deletes them all. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);
/** Single-use models: stored as a hash so `consume` can mark them without rewriting the payload. */
const CONSUMABLE = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export type AdapterPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
};

export const grantKeyFor = (grantId: string) => `grant:${grantId}`;
export const userCodeKeyFor = (userCode: string) => `userCode:${userCode}`;
export const uidKeyFor = (uid: string) => `uid:${uid}`;

export class RedisAdapter {
  constructor(
    readonly name: string,
    private readonly client: Redis,
  ) {}

  key(id: string): string {
    return `${this.name}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const multi = this.client.multi();
    if (CONSUMABLE.has(this.name)) multi.hset(key, { payload: JSON.stringify(payload) });
    else multi.set(key, JSON.stringify(payload));
    if (expiresIn) multi.expire(key, expiresIn);
    if (GRANTABLE.has(this.name) && payload.grantId) {
      const grantKey = grantKeyFor(payload.grantId);
      multi.rpush(grantKey, key);
      // The grant's index lives as long as the longest-lived model in it.
      const ttl = await this.client.ttl(grantKey);
      if (expiresIn && expiresIn > ttl) multi.expire(grantKey, expiresIn);
    }
    if (payload.userCode) {
      const userCodeKey = userCodeKeyFor(payload.userCode);
      multi.set(userCodeKey, id);
      if (expiresIn) multi.expire(userCodeKey, expiresIn);
    }
    if (payload.uid) {
      const uidKey = uidKeyFor(payload.uid);
      multi.set(uidKey, id);
      if (expiresIn) multi.expire(uidKey, expiresIn);
    }
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.key(id);
    if (CONSUMABLE.has(this.name)) {
      const data = await this.client.hgetall(key);
      if (!data.payload) return undefined;
      const { payload, consumed } = data;
      return { ...JSON.parse(payload), ...(consumed ? { consumed: Number(consumed) } : {}) };
    }
    const data = await this.client.get(key);
    return data ? JSON.parse(data) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.client.get(uidKeyFor(uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.client.get(userCodeKeyFor(userCode));
    return id ? this.find(id) : undefined;
  }

  async destroy(id: string): Promise<void> {
    await this.client.del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = grantKeyFor(grantId);
    const keys = await this.client.lrange(grantKey, 0, -1);
    const multi = this.client.multi();
    for (const key of keys) multi.del(key);
    multi.del(grantKey);
    await multi.exec();
  }

  async consume(id: string): Promise<void> {
    await this.client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
  }
}

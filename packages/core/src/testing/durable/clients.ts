import { describe, expect, it } from 'vitest';
import type { ClientPatch } from '../../ports/clients.js';
import {
  createClient,
  createUser,
  newRefreshToken,
  type OpenDurableStores,
  presentedToken,
  randomHash,
  unique,
  useStores,
} from './fixtures.js';

export function describeClientStoreContract(open: OpenDurableStores): void {
  describe('ClientStore', () => {
    const stores = useStores(open);

    it('creates a client with defaults for what was not given', async () => {
      const client = await stores().clients.create({
        clientId: unique('gh_'),
        secretHash: null,
        name: 'Public app',
        redirectUris: ['http://127.0.0.1:8080/cb'],
      });
      expect(client).toMatchObject({
        secretHash: null,
        description: '',
        homepageUrl: null,
        ownerUserId: null,
        trusted: false,
        disabled: false,
      });
      expect(client.allowedScopes).toContain('profile');
      expect(client.id).toBeGreaterThan(0);
      expect(client.createdAt).toBeInstanceOf(Date);
      expect(client.updatedAt).toBeInstanceOf(Date);
    });

    it('stores every field as given and finds the client by either id', async () => {
      const owner = await createUser(stores());
      const client = await stores().clients.create({
        clientId: unique('gh_'),
        secretHash: randomHash(),
        name: 'Full app',
        description: 'Does things',
        homepageUrl: 'https://full.example.test',
        redirectUris: ['https://full.example.test/a', 'https://full.example.test/b'],
        allowedScopes: ['profile'],
        ownerUserId: owner.id,
        trusted: true,
      });
      expect(client).toMatchObject({
        name: 'Full app',
        description: 'Does things',
        homepageUrl: 'https://full.example.test',
        redirectUris: ['https://full.example.test/a', 'https://full.example.test/b'],
        allowedScopes: ['profile'],
        ownerUserId: owner.id,
        trusted: true,
      });
      expect(await stores().clients.findById(client.id)).toEqual(client);
      expect(await stores().clients.findByClientId(client.clientId)).toEqual(client);
    });

    it('keeps the client type, web origins and device flag; no secret means public', async () => {
      const pub = await stores().clients.create({
        clientId: unique('gh_'),
        secretHash: null,
        name: 'SPA',
        redirectUris: ['https://spa.example.test/cb'],
        allowedOrigins: ['https://spa.example.test'],
        deviceGrantEnabled: true,
      });
      expect(pub).toMatchObject({
        tokenEndpointAuthMethod: 'none',
        allowedOrigins: ['https://spa.example.test'],
        deviceGrantEnabled: true,
      });
      const confidential = await createClient(stores(), { tokenEndpointAuthMethod: 'client_secret_post' });
      expect(confidential).toMatchObject({
        tokenEndpointAuthMethod: 'client_secret_post',
        allowedOrigins: [],
        deviceGrantEnabled: false,
      });
      const updated = await stores().clients.update(pub.id, {
        allowedOrigins: [],
        deviceGrantEnabled: false,
      });
      expect(updated).toMatchObject({
        allowedOrigins: [],
        deviceGrantEnabled: false,
        tokenEndpointAuthMethod: 'none',
      });
    });

    it('refuses a public client with a secret and a confidential one without (SEC-50)', async () => {
      await expect(
        stores().clients.create({
          clientId: unique('gh_'),
          secretHash: randomHash(),
          tokenEndpointAuthMethod: 'none',
          name: 'Bad',
          redirectUris: ['https://bad.example.test/cb'],
        }),
      ).rejects.toThrow();
      await expect(
        stores().clients.create({
          clientId: unique('gh_'),
          secretHash: null,
          tokenEndpointAuthMethod: 'client_secret_basic',
          name: 'Bad',
          redirectUris: ['https://bad.example.test/cb'],
        }),
      ).rejects.toThrow();
    });

    it('tells whether an origin belongs to some enabled public client (SEC-53)', async () => {
      const host = unique('spa')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '');
      const origin = `https://${host}.example.test`;
      const extra = `http://127.0.0.1:${5000 + Math.floor(Math.random() * 1000)}`;
      expect(await stores().clients.hasPublicWebOrigin(origin)).toBe(false);
      // A confidential client's redirect URIs are no web origins.
      await createClient(stores(), { redirectUris: [`${origin}/cb`] });
      expect(await stores().clients.hasPublicWebOrigin(origin)).toBe(false);
      const pub = await stores().clients.create({
        clientId: unique('gh_'),
        secretHash: null,
        name: 'SPA',
        redirectUris: [`${origin}/cb`, `http://${host}.example.test/plain`],
        allowedOrigins: [extra],
      });
      expect(await stores().clients.hasPublicWebOrigin(origin)).toBe(true);
      expect(await stores().clients.hasPublicWebOrigin(extra)).toBe(true);
      expect(await stores().clients.hasPublicWebOrigin(`http://${host}.example.test`)).toBe(false);
      expect(await stores().clients.hasPublicWebOrigin(`${origin}.evil.test`)).toBe(false);
      expect(await stores().clients.hasPublicWebOrigin(origin.slice(0, -2))).toBe(false);
      await stores().clients.update(pub.id, { disabled: true });
      expect(await stores().clients.hasPublicWebOrigin(origin)).toBe(false);
    });

    it('answers null for unknown ids', async () => {
      expect(await stores().clients.findById(2_000_000_000)).toBeNull();
      expect(await stores().clients.findByClientId(unique('gh_'))).toBeNull();
    });

    it('refuses a taken public client id', async () => {
      const client = await createClient(stores());
      await expect(createClient(stores(), { clientId: client.clientId })).rejects.toMatchObject({
        name: 'DuplicateError',
        field: 'clientId',
      });
    });

    it("lists one owner's clients, and all clients", async () => {
      const owner = await createUser(stores());
      const mine = [
        await createClient(stores(), { ownerUserId: owner.id }),
        await createClient(stores(), { ownerUserId: owner.id }),
      ];
      const other = await createClient(stores());
      const listed = await stores().clients.listByOwner(owner.id);
      expect(listed.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
      const all = (await stores().clients.listAll()).map((c) => c.id);
      expect(all).toEqual(expect.arrayContaining([...mine.map((c) => c.id), other.id]));
    });

    it('updates only the fields in the patch', async () => {
      const client = await createClient(stores(), { description: 'before' });
      const secretHash = randomHash();
      const updated = await stores().clients.update(client.id, {
        trusted: true,
        disabled: true,
        redirectUris: ['https://new.example.test/cb'],
        secretHash,
      });
      expect(updated).toMatchObject({
        id: client.id,
        clientId: client.clientId,
        name: client.name,
        description: 'before',
        trusted: true,
        disabled: true,
        redirectUris: ['https://new.example.test/cb'],
        secretHash,
      });
      expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(client.updatedAt.getTime());
      expect(await stores().clients.findById(client.id)).toEqual(updated);
      expect(await stores().clients.update(client.id, { name: undefined })).toMatchObject({
        name: client.name,
      });
    });

    it('writes only patchable fields: a stray id, client_id or owner in the patch is ignored', async () => {
      const client = await createClient(stores());
      const stray = { name: 'renamed', id: client.id + 1_000, clientId: 'gh_other', ownerUserId: 1 };
      const updated = await stores().clients.update(client.id, stray as ClientPatch);
      expect(updated).toMatchObject({
        id: client.id,
        clientId: client.clientId,
        ownerUserId: client.ownerUserId,
        name: 'renamed',
      });
    });

    it('keeps the OpenID Connect fields: ID-token alg (RS256 by default) and post-logout redirect URIs', async () => {
      const plain = await createClient(stores());
      expect(plain).toMatchObject({ idTokenSignedResponseAlg: 'RS256', postLogoutRedirectUris: [] });
      const client = await createClient(stores(), {
        idTokenSignedResponseAlg: 'ES256',
        postLogoutRedirectUris: ['https://app.example.test/bye'],
      });
      expect(await stores().clients.findById(client.id)).toMatchObject({
        idTokenSignedResponseAlg: 'ES256',
        postLogoutRedirectUris: ['https://app.example.test/bye'],
      });
      const updated = await stores().clients.update(plain.id, {
        idTokenSignedResponseAlg: 'ES256',
        postLogoutRedirectUris: ['https://app.example.test/a', 'https://app.example.test/b'],
      });
      expect(updated).toMatchObject({
        idTokenSignedResponseAlg: 'ES256',
        postLogoutRedirectUris: ['https://app.example.test/a', 'https://app.example.test/b'],
      });
    });

    it('answers null when updating an unknown client', async () => {
      expect(await stores().clients.update(2_000_000_000, { name: 'x' })).toBeNull();
    });

    it('counts the distinct users that granted the client access', async () => {
      const client = await createClient(stores());
      const [a, b] = [await createUser(stores()), await createUser(stores())];
      expect(await stores().clients.countAuthorizedUsers(client.id)).toBe(0);
      await stores().grants.upsert(a.id, client.id, ['profile']);
      await stores().grants.upsert(a.id, client.id, ['balance']);
      await stores().grants.upsert(b.id, client.id, ['profile']);
      expect(await stores().clients.countAuthorizedUsers(client.id)).toBe(2);
      await stores().grants.delete(a.id, client.id);
      expect(await stores().clients.countAuthorizedUsers(client.id)).toBe(1);
    });

    it('deletes the client with its grants and refresh tokens', async () => {
      const user = await createUser(stores());
      const client = await createClient(stores());
      const kept = await createClient(stores());
      await stores().grants.upsert(user.id, client.id, ['profile']);
      await stores().grants.upsert(user.id, kept.id, ['profile']);
      const token = newRefreshToken(user, client);
      const keptToken = newRefreshToken(user, kept);
      for (const t of [token, keptToken])
        expect(await stores().refreshTokens.createForActiveUser(t)).toBe(true);

      expect(await stores().clients.delete(client.id)).toBe(true);
      expect(await stores().clients.findById(client.id)).toBeNull();
      expect(await stores().grants.find(user.id, client.id)).toBeNull();
      expect(await stores().refreshTokens.find(presentedToken(token.value))).toBeNull();
      expect(await stores().grants.find(user.id, kept.id)).not.toBeNull();
      expect(await stores().refreshTokens.find(presentedToken(keptToken.value))).not.toBeNull();
      expect(await stores().clients.delete(client.id)).toBe(false);
    });
  });
}

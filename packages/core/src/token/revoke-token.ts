import { sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import { revokeFamilies } from '../oauth/revoke-grants.js';
import { checkBrowserCaller } from '../oauth/web-origins.js';
import { authenticateClient, type PresentedClient } from './client-auth.js';
import type { RequestMeta, TokenContext } from './context.js';
import { requiredParam, type TokenParams } from './params.js';
import { readRefreshToken } from './refresh-token-format.js';

/**
 * `POST /api/oauth2/revoke` (RFC 7009). The token's prefix says which store holds
 * it, so `token_type_hint` is not needed and is ignored (§2.1 allows that). Only the
 * client the token was issued to can revoke it; for every other token — unknown,
 * already revoked, someone else's — the answer is the same 200 and nothing changes,
 * so the endpoint is no oracle. A refresh token takes its whole family with it,
 * access tokens included (§2.1); an access token is deleted alone.
 */
export async function revokeToken(
  ctx: TokenContext,
  presented: PresentedClient,
  params: TokenParams,
  meta: RequestMeta,
): Promise<void> {
  const token = requiredParam(params, 'token');
  const { stores } = ctx;
  const { clients, refreshTokens } = stores.db;
  if (token.startsWith(TOKEN_PREFIX.accessToken)) {
    const hash = sha256Hex(token);
    const [client, data] = await Promise.all([
      authenticateClient(clients, presented, 'revocation'),
      stores.cache.accessTokens.get(hash),
    ]);
    checkBrowserCaller(client, meta.origin);
    if (data !== null && data.clientId === client.id) await stores.cache.accessTokens.delete(hash);
    return;
  }
  if (token.startsWith(TOKEN_PREFIX.refreshToken)) {
    const [client, record] = await Promise.all([
      authenticateClient(clients, presented, 'revocation'),
      refreshTokens.find(readRefreshToken(token)),
    ]);
    checkBrowserCaller(client, meta.origin);
    if (record !== null && record.clientId === client.id) {
      await revokeFamilies(stores, [record.familyId], new Date(meta.now));
    }
    return;
  }
  checkBrowserCaller(await authenticateClient(clients, presented, 'revocation'), meta.origin);
}

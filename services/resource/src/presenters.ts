import type { AuditEvent, Balance, Client, User } from '@gatehouse/core';
import { quotaToJson, unixSeconds } from '@gatehouse/core/resource';

/** An app as the developer API shows it (API.md §6). Never the secret or its hash. */
export function appJson(client: Client) {
  return {
    id: client.id,
    name: client.name,
    description: client.description,
    homepage_url: client.homepageUrl,
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0] ?? null,
    redirect_uris: client.redirectUris,
    disabled: client.disabled,
    created_time: unixSeconds(client.createdAt),
    updated_time: unixSeconds(client.updatedAt),
  };
}

/** An app as the admin API shows it: the developer view plus trust, ownership and scopes. */
export function adminClientJson(client: Client) {
  return {
    ...appJson(client),
    trusted: client.trusted,
    owner_user_id: client.ownerUserId,
    allowed_scopes: client.allowedScopes,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    id_token_signed_response_alg: client.idTokenSignedResponseAlg ?? 'RS256',
  };
}

/** A user as the admin API shows it, balance in quota units. */
export function adminUserJson(user: User, balance: Balance | null) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    status: user.status,
    quota: quotaToJson(balance?.quota ?? 0n),
    used_quota: quotaToJson(balance?.usedQuota ?? 0n),
    created_time: unixSeconds(user.createdAt),
  };
}

export function auditJson(event: AuditEvent) {
  return {
    id: event.id,
    type: event.type,
    user_id: event.userId,
    client_id: event.clientId,
    actor: event.actor,
    ip: event.ip,
    data: event.data,
    created_time: unixSeconds(event.createdAt),
  };
}

import type { AuditEvent, Balance, Client, TwoFactorStatus, User } from '@gatehouse/core';
import { formatQuota } from '@gatehouse/core';
import { quotaToJson, unixSeconds } from '@gatehouse/core/resource';

/** How money reads in the admin API: quota units for programs, the amount for people. */
export interface MoneyFormat {
  quotaPerUnit: bigint;
  currency: string;
}

/** `{amount: "750.00", currency: "USD", quota: 375000000}`, as userinfo's `balance` reads. */
export function moneyJson(quota: bigint, format: MoneyFormat) {
  return {
    amount: formatQuota(quota, format.quotaPerUnit),
    currency: format.currency,
    quota: quotaToJson(quota),
  };
}

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
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    allowed_origins: client.allowedOrigins,
    device_grant_enabled: client.deviceGrantEnabled,
    post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
    id_token_signed_response_alg: client.idTokenSignedResponseAlg ?? 'RS256',
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
    charges_enabled: client.chargesEnabled ?? false,
    owner_user_id: client.ownerUserId,
    allowed_scopes: client.allowedScopes,
  };
}

/** A user as the admin API shows it: balance in quota units and as money. */
export function adminUserJson(user: User, balance: Balance | null, format: MoneyFormat) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    status: user.status,
    quota: quotaToJson(balance?.quota ?? 0n),
    used_quota: quotaToJson(balance?.usedQuota ?? 0n),
    balance: moneyJson(balance?.quota ?? 0n, format),
    created_time: unixSeconds(user.createdAt),
  };
}

/** An account's second factors as the admin API shows them (never a secret or code). */
export function twoFactorJson(status: TwoFactorStatus, passkeys: number) {
  return { totp: status.totp, recovery_codes_left: status.recoveryCodesLeft, passkeys };
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

/** The registration answer: the app plus its secret, which exists only for confidential apps and only now. */
export function withSecret<T extends object>(
  json: T,
  clientSecret: string | null,
): T & { client_secret?: string } {
  return clientSecret === null ? json : { ...json, client_secret: clientSecret };
}

export function createdMessage(clientSecret: string | null): string {
  return clientSecret === null
    ? 'app created as a public client (no secret): use PKCE from the browser or device'
    : 'app created; the client secret is shown only once, store it now';
}

import type { User } from '../ports/users.js';

/** OpenID Connect standard claims (Core §5.1) a granted scope releases. */
export interface StandardClaims {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  name?: string;
  updated_at?: number;
}

/** Every claim this provider can release, for discovery's `claims_supported`. */
export const CLAIMS_SUPPORTED = [
  'sub',
  'iss',
  'aud',
  'azp',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'at_hash',
  'sid',
  'email',
  'email_verified',
  'preferred_username',
  'name',
  'updated_at',
] as const;

/**
 * The standard claims for `scopes` (OIDC Core §5.4): `email` → email and email_verified
 * (whether a link mailed to that address was followed, SEC-61), `profile` → preferred_username, name (the username:
 * there is no display name) and updated_at (the profile never changes after sign-up, so its
 * creation time). They are added to the guide's userinfo fields, never in place of them.
 */
export function standardClaims(
  user: Pick<User, 'username' | 'email' | 'emailVerified' | 'createdAt'>,
  scopes: readonly string[],
): StandardClaims {
  const claims: StandardClaims = {};
  if (scopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (scopes.includes('profile')) {
    claims.preferred_username = user.username;
    claims.name = user.username;
    claims.updated_at = Math.floor(user.createdAt.getTime() / 1000);
  }
  return claims;
}

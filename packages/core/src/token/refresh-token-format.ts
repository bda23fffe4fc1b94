import { randomBase64url, randomId, sha256Hex, TOKEN_PREFIX } from '../crypto.js';

/**
 * A refresh token names its grant family so the store can find the family's one row by
 * primary key (SEC-81):
 *
 *   gth_rt_<family id>.<generation>.<family key>.<secret>
 *
 * - family id: the family's row id (base64url, no dots);
 * - generation: 0 for the token the code exchange issues, +1 on every rotation;
 * - family key: 128 random bits drawn once per family and carried by every token of it; the
 *   row keeps only its hash, so a token that is not the current one is provably "of the family"
 *   (a reuse that revokes it, SEC-11) while a forged one matches no family and revokes nothing;
 * - secret: 256 random bits drawn for each generation.
 *
 * The row stores SHA-256 of the whole current token (`tokenHash`) and of the family key —
 * never either in plain text (SEC-14). Tokens issued before families (`gth_rt_<secret>`, no
 * dots) stay valid: they are found by their hash among the migrated rows.
 */
export type PresentedRefreshToken =
  | {
      format: 'family';
      tokenHash: string;
      familyId: string;
      generation: number;
      key: string;
      keyHash: string;
    }
  | { format: 'legacy'; tokenHash: string };

const FAMILY_KEY_BYTES = 16;
const SECRET_BYTES = 32;
const PART = /^[A-Za-z0-9_-]+$/;

export interface MintedFamilyToken {
  value: string;
  hash: string;
  familyId: string;
  generation: number;
  key: string;
  keyHash: string;
}

/** A token of `familyId` at `generation`; a new family draws its key, a rotation passes it on. */
export function mintFamilyToken(
  familyId: string,
  generation: number,
  key = randomBase64url(FAMILY_KEY_BYTES),
): MintedFamilyToken {
  const value = `${TOKEN_PREFIX.refreshToken}${familyId}.${generation}.${key}.${randomBase64url(SECRET_BYTES)}`;
  return { value, hash: sha256Hex(value), familyId, generation, key, keyHash: sha256Hex(key) };
}

/** The first token of a new family (generation 0, fresh id and key). */
export const mintNewFamilyToken = (familyId = randomId()): MintedFamilyToken => mintFamilyToken(familyId, 0);

/**
 * Reads a presented refresh token without I/O. Anything that is not a well-formed family token
 * is looked up as a legacy token by its hash — which finds nothing for garbage.
 */
export function readRefreshToken(value: string): PresentedRefreshToken {
  const tokenHash = sha256Hex(value);
  const body = value.startsWith(TOKEN_PREFIX.refreshToken)
    ? value.slice(TOKEN_PREFIX.refreshToken.length)
    : '';
  const parts = body.split('.');
  if (parts.length !== 4) return { format: 'legacy', tokenHash };
  const [familyId, generationText, key, secret] = parts as [string, string, string, string];
  const wellFormed =
    PART.test(familyId) &&
    PART.test(key) &&
    PART.test(secret) &&
    /^(0|[1-9][0-9]{0,9})$/.test(generationText);
  const generation = Number(generationText);
  if (!wellFormed || generation > 2_147_483_647) return { format: 'legacy', tokenHash };
  return { format: 'family', tokenHash, familyId, generation, key, keyHash: sha256Hex(key) };
}

import { randomToken, sha256Hex, TOKEN_PREFIX } from '../crypto.js';
import type { DeveloperToken, Stores } from '../ports/index.js';
import { ACCOUNT_LIMITS, AccountLimitError } from './limits.js';

export const DEVELOPER_TOKEN_RULES = { nameMax: 100 } as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;

/** Why a developer token name is refused, or null. The name only helps its owner tell tokens apart. */
export function developerTokenNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.trim() === '') return 'is required (for example "deploy script")';
  if ([...name.trim()].length > DEVELOPER_TOKEN_RULES.nameMax) {
    return `must be at most ${DEVELOPER_TOKEN_RULES.nameMax} characters`;
  }
  if (CONTROL.test(name)) return 'must not contain control characters';
  return null;
}

/** A new developer token and its record. */
export interface IssuedDeveloperToken {
  /** `gth_dt_` + 256 random bits. Show it once; only its SHA-256 is stored. */
  token: string;
  record: DeveloperToken;
}

/**
 * Creates a developer token for the user (the name must have passed `developerTokenNameProblem`).
 * Throws AccountLimitError when the user already has `developerTokensPerUser` active ones (SEC-36).
 */
export async function createDeveloperToken(
  stores: Stores,
  userId: number,
  name: string,
  limit: number = ACCOUNT_LIMITS.developerTokensPerUser,
): Promise<IssuedDeveloperToken> {
  if ((await stores.db.developerTokens.listByUser(userId)).length >= limit) {
    throw new AccountLimitError('developer tokens', limit);
  }
  const token = randomToken(TOKEN_PREFIX.developerToken);
  const record = await stores.db.developerTokens.create({
    userId,
    name: name.trim(),
    tokenHash: sha256Hex(token),
  });
  return { token, record };
}

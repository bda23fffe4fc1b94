import type { Allowance } from '../charges/allowance.js';
import { ConsentRequiredError } from '../errors.js';
import { coversScopes } from '../oauth/scopes.js';
import type { Client } from '../ports/clients.js';
import type { Prompt } from './check-prompt.js';

export type ConsentDecision =
  /** Issue a code at once. */
  | { kind: 'skip'; reason: 'granted' | 'trusted_auto_authorize' }
  /** Show the consent page. `newScopes` are those the user has not granted before. */
  | {
      kind: 'ask';
      reason: ConsentReason;
      newScopes: string[];
      previouslyGranted: string[];
      /** True when `charge` is asked and the grant has no allowance yet: the page must ask for one. */
      chooseAllowance: boolean;
    };

/** `allowance_required`: every scope is granted, but `charge` still lacks the user's allowance. */
export type ConsentReason = 'first_time' | 'wider_scope' | 'prompt_consent' | 'allowance_required';

export interface ConsentInput {
  client: Pick<Client, 'trusted'>;
  /** The validated, requested scopes. */
  scopes: readonly string[];
  /** The user's remembered grant for this client, if any. */
  grant: { scopes: readonly string[]; allowance?: Allowance | null } | null;
  prompt: Prompt;
  autoAuthorize: boolean;
}

/**
 * The last step (API.md §1 flow 2, SEC-06). Consent is skipped when a remembered
 * grant covers every requested scope (unless `prompt=consent`), or when `auto_authorize`
 * is asked by a client an administrator marked trusted. `auto_authorize` from an untrusted
 * client never skips a first consent or a wider scope. With `prompt=none` a needed
 * consent page becomes `consent_required`.
 *
 * SEC-85: the first time `charge` is granted the user chooses an allowance on this page, so
 * neither a remembered grant nor `auto_authorize` skips it while the grant has no allowance.
 */
export function decideConsent(input: ConsentInput): ConsentDecision {
  const granted = input.grant?.scopes ?? [];
  const newScopes = input.scopes.filter((s) => !granted.includes(s));
  const chooseAllowance = input.scopes.includes('charge') && !input.grant?.allowance;
  const covered = input.grant !== null && coversScopes(input.grant.scopes, input.scopes);
  let reason: ConsentReason;
  if (input.prompt.consent) {
    reason = 'prompt_consent';
  } else if (chooseAllowance) {
    reason = !input.grant ? 'first_time' : covered ? 'allowance_required' : 'wider_scope';
  } else if (covered) {
    return { kind: 'skip', reason: 'granted' };
  } else if (input.autoAuthorize && input.client.trusted) {
    return { kind: 'skip', reason: 'trusted_auto_authorize' };
  } else {
    reason = input.grant ? 'wider_scope' : 'first_time';
  }
  if (input.prompt.none) throw new ConsentRequiredError('the user has not granted this application access');
  return { kind: 'ask', reason, newScopes, previouslyGranted: [...granted], chooseAllowance };
}
